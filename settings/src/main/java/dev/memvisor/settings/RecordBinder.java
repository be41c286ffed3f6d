package dev.memvisor.settings;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.settings.Setting;
import dev.memvisor.core.settings.Settings;
import dev.memvisor.core.unit.Durations;
import dev.memvisor.core.unit.Size;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Binds a mapping onto an immutable settings record of core (such as PolicyConfig), whose components
 * carry {@link Setting}: a key left out keeps the component's value in {@code defaults}, so defaults
 * are declared once, in core; sizes take the size syntax, nested settings records bind the same way,
 * and the record's own constructor checks the ranges. Jackson's record binding cannot do this without
 * a mix-in per component (it has no defaults for absent creator properties, and {@code proxmoxMaxStep: 100M}
 * is neither the component's name nor a long), so this one generic binder serves every such record.
 */
final class RecordBinder {
    private RecordBinder() {}

    /** Binds {@code node} onto a copy of {@code defaults}; errors are {@link SettingValueException}s whose path ends at the key. */
    static <R extends Record> R bind(JsonParser p, JsonNode node, R defaults) throws SettingValueException {
        return bind(p, node, defaults, null);
    }

    /** As {@link #bind(JsonParser, JsonNode, Record)}, skipping the keys in {@code handled} (bound by the caller). */
    @SuppressWarnings("unchecked")
    static <R extends Record> R bind(JsonParser p, JsonNode node, R defaults, java.util.Set<String> handled) throws SettingValueException {
        Class<R> type = (Class<R>) defaults.getClass();
        if (!node.isObject()) {
            throw new SettingValueException(p, "got " + YamlDocument.shown(node) + ", expected a mapping of " + keys(type));
        }
        RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) args[i] = value(cs[i], defaults);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (handled != null && handled.contains(e.getKey())) continue;
            int i = indexOf(cs, e.getKey());
            if (i < 0) {
                List<String> known = new ArrayList<>(keys(type));
                if (handled != null) known.addAll(0, handled);
                throw new SettingValueException(p, "unknown field '" + e.getKey() + "'; known fields: " + known).under(e.getKey());
            }
            args[i] = convert(p, e.getValue(), cs[i], args[i]);
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(java.util.Arrays.stream(cs).map(RecordComponent::getType).toArray(Class<?>[]::new));
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InvalidSettingException ise) {
                // the field may be dotted by the record itself (thresholds.low): its last step is the component
                String f = ise.field().substring(ise.field().lastIndexOf('.') + 1);
                int i = indexOfName(cs, f);
                String key = i < 0 ? f : Settings.key(cs[i]);
                throw new SettingValueException(p, "got " + ise.value() + ", expected " + ise.allowed()).under(key);
            }
            throw new IllegalStateException(type.getSimpleName() + " refused its settings", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object convert(JsonParser p, JsonNode n, RecordComponent c, Object dflt) throws SettingValueException {
        Class<?> t = c.getType();
        Setting s = c.getAnnotation(Setting.class);
        String key = Settings.key(c);
        String expected = Settings.kind(t, s);
        try {
            if (t.isRecord() && dflt instanceof Record r) return bind(p, n, r);
            if (s != null && s.unit() == Setting.Unit.BYTES && (t == long.class || t == Long.class)) {
                if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
                if (n.isTextual()) return Size.parse(n.asText());
            } else if (t == Duration.class) {
                if (n.isTextual() || n.isNumber()) return Durations.parse(n.asText());
            } else if (t == double.class) {
                if (n.isNumber() && Double.isFinite(n.doubleValue())) return n.doubleValue();
                expected = "a finite number";
            } else if (t == int.class) {
                if (n.isIntegralNumber() && n.canConvertToInt()) return n.intValue();
                expected = "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
            } else if (t == long.class) {
                if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
                expected = "an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
            } else if (t == boolean.class) {
                if (n.isBoolean()) return n.booleanValue();
            } else if (t == String.class) {
                if (n.isValueNode() && !n.isNull()) return n.asText();
            } else {
                throw new IllegalStateException("no binding for " + t + " of " + c);
            }
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidSettingException) throw e;
            throw new SettingValueException(p, e.getMessage().replaceFirst("^(size|duration): ", "")).under(key);
        } catch (SettingValueException e) {
            throw e.under(key);
        }
        throw new SettingValueException(p, "got " + YamlDocument.shown(n) + ", expected " + expected).under(key);
    }

    /** Writes {@code r} with the keys a file uses: sizes as sizes, durations as durations, nested records as mappings. */
    static void write(JsonGenerator g, Record r) throws IOException {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v = value(c, r);
            Setting s = c.getAnnotation(Setting.class);
            g.writeFieldName(Settings.key(c));
            if (v instanceof Record nested) {
                g.writeStartObject();
                write(g, nested);
                g.writeEndObject();
            } else if (s != null && s.unit() == Setting.Unit.BYTES && v instanceof Long l) {
                g.writeString(Size.format(l));
            } else if (v instanceof Duration d) {
                g.writeString(Durations.format(d));
            } else {
                g.writeObject(v);
            }
        }
    }

    /** The keys of a settings record, in declaration order. */
    static List<String> keys(Class<? extends Record> type) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) out.add(Settings.key(c));
        return out;
    }

    static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(RecordComponent[] cs, String key) {
        for (int i = 0; i < cs.length; i++) if (Settings.key(cs[i]).equals(key)) return i;
        return -1;
    }

    private static int indexOfName(RecordComponent[] cs, String name) {
        for (int i = 0; i < cs.length; i++) if (cs[i].getName().equals(name)) return i;
        return -1;
    }
}
