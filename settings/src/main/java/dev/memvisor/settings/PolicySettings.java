package dev.memvisor.settings;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;

import java.io.IOException;
import java.util.Set;

/**
 * The {@code policy:} block, the same in a scenario and in host.yaml: the policy's {@code name} and every
 * parameter of core's {@link PolicyConfig} under its own key ({@code policy: {name: esx, idleTax: 0.5,
 * thresholds: {soft: 0.05}}}); what is left out keeps PolicyConfig's default. {@code policy: esx} is
 * short for {@code policy: {name: esx}}.
 *
 * @param name   a registered policy name
 * @param config the policy's parameters
 */
@JsonDeserialize(using = PolicySettings.Reader.class)
@JsonSerialize(using = PolicySettings.Writer.class)
public record PolicySettings(String name, PolicyConfig config) {
    /** The policy used when a file names none. */
    public static final String DEFAULT_NAME = "esx";

    /** The default policy with PolicyConfig's defaults. */
    public static PolicySettings defaults() {
        return new PolicySettings(DEFAULT_NAME, PolicyConfig.defaults());
    }

    /**
     * Reads a file's {@code policy: NAME} as {@code policy: {name: NAME}}, so {@code --set policy.idleTax=0.5}
     * and {@code --policy NAME} apply to either form. Call before applying overrides.
     */
    public static void expandShorthand(YamlDocument doc) {
        doc.expandScalar("policy", "name");
    }

    /** Reads the block: a mapping of name and PolicyConfig keys, or a bare name. */
    static final class Reader extends StdDeserializer<PolicySettings> {
        Reader() {
            super(PolicySettings.class);
        }

        @Override
        public PolicySettings deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode n = p.readValueAsTree();
            if (n == null || n.isNull()) throw new SettingValueException(p, "got nothing, expected a policy name or a mapping such as {name: esx, idleTax: 0.5}");
            String name = DEFAULT_NAME;
            if (n.isTextual()) {
                name = n.asText();
                n = ctxt.getNodeFactory().objectNode();
            } else if (n.isObject() && n.has("name")) {
                JsonNode nm = n.get("name");
                if (!nm.isTextual()) throw new SettingValueException(p, "got " + YamlDocument.shown(nm) + ", expected a policy name").under("name");
                name = nm.asText();
            }
            PolicyConfig config = RecordBinder.bind(p, n, PolicyConfig.defaults(), Set.of("name"));
            if (!PolicyRegistry.names().contains(name)) {
                SettingValueException e = new SettingValueException(p, "got " + name + ", expected one of "
                        + String.join(", ", PolicyRegistry.names()));
                throw n.has("name") ? e.under("name") : e;
            }
            return new PolicySettings(name, config);
        }
    }

    /** Writes the block with the keys a file uses (sizes as {@code 100M}). */
    static final class Writer extends StdSerializer<PolicySettings> {
        Writer() {
            super(PolicySettings.class);
        }

        @Override
        public void serialize(PolicySettings v, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            g.writeStringField("name", v.name());
            RecordBinder.write(g, v.config());
            g.writeEndObject();
        }
    }
}
