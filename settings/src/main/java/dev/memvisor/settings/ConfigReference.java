package dev.memvisor.settings;

import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.core.settings.Setting;
import dev.memvisor.core.settings.Settings;
import dev.memvisor.core.unit.Durations;
import dev.memvisor.core.unit.Size;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Markdown tables of every key of a settings file (key, type, default, range, meaning, source), made
 * from the code: the {@link Setting} of each field or record component and the defaults of a fresh
 * instance (or of {@link PolicyConfig#defaults()}). docs/configuration.md is assembled from them, and a
 * test compares it with the code.
 */
public final class ConfigReference {
    private static final String HEADER = "| key | type | default | range | meaning | source |\n|---|---|---|---|---|---|\n";

    private ConfigReference() {}

    /** The table of the {@code policy:} block, keys starting with {@code prefix} (such as {@code policy.}). */
    public static String policyTable(String prefix) {
        StringBuilder sb = new StringBuilder(HEADER);
        sb.append(row(prefix + "name", "text", PolicySettings.DEFAULT_NAME, "one of " + String.join(", ", PolicyRegistry.names()),
                "the memory policy (`memvisor policies`); `policy: NAME` alone is short for `policy: {name: NAME}`", ""));
        record(sb, PolicyConfig.defaults(), prefix);
        return sb.toString();
    }

    /** The table of a settings class: every public field with its {@link Setting}, nested classes and lists of them flattened. */
    public static String table(Class<?> type, String prefix) {
        StringBuilder sb = new StringBuilder(HEADER);
        fields(sb, type, prefix);
        return sb.toString();
    }

    private static void record(StringBuilder sb, Record defaults, String prefix) {
        for (RecordComponent c : defaults.getClass().getRecordComponents()) {
            Setting s = c.getAnnotation(Setting.class);
            Object v = RecordBinder.value(c, defaults);
            String key = prefix + Settings.key(c);
            if (v instanceof Record nested) {
                record(sb, nested, key + ".");
                continue;
            }
            sb.append(row(key, type(c.getType(), s), shown(v, s), range(s), s == null ? "" : s.value(), s == null ? "" : s.source()));
        }
    }

    private static void fields(StringBuilder sb, Class<?> type, String prefix) {
        Object fresh = newInstance(type);
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            Setting s = f.getAnnotation(Setting.class);
            String key = prefix + f.getName();
            Object v;
            try {
                v = f.get(fresh);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            if (f.getType() == PolicySettings.class) {
                sb.append(row(key, "mapping or name", PolicySettings.DEFAULT_NAME, "", "the policy block: [its keys](#the-policy-block)", ""));
            } else if (List.class.isAssignableFrom(f.getType())) {
                Class<?> element = (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
                sb.append(row(key + "[]", "list of mappings", "none", "", s == null ? "" : s.value(), s == null ? "" : s.source()));
                fields(sb, element, key + "[].");
            } else if (SettingChecks.isSettingsClass(f.getType())) {
                if (s != null) sb.append(row(key, "mapping", v == null ? shownAbsent(s) : "", "", s.value(), s.source()));
                fields(sb, f.getType(), key + ".");
            } else {
                sb.append(row(key, type(f.getType(), s), v == null ? shownAbsent(s) : shown(v, s), range(s),
                        s == null ? "" : s.value(), s == null ? "" : s.source()));
            }
        }
    }

    private static Object newInstance(Class<?> type) {
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type + " needs a public no-argument constructor with its defaults", e);
        }
    }

    private static String type(Class<?> t, Setting s) {
        String k = Settings.kind(t, s);
        return k.startsWith("an ") ? k.substring(3) : k.startsWith("a ") ? k.substring(2) : k;
    }

    private static String range(Setting s) {
        if (s == null) return "";
        return s.range() + (s.zero().isEmpty() ? "" : (s.range().isEmpty() ? "" : ", or ") + "0 = " + s.zero());
    }

    private static String shownAbsent(Setting s) {
        return s == null || s.absent().isEmpty() ? "none" : "(" + s.absent() + ")";
    }

    private static String shown(Object v, Setting s) {
        if (v instanceof Double d) return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        if (v instanceof Float f) return BigDecimal.valueOf(f).stripTrailingZeros().toPlainString();
        if (v instanceof Long l && s != null && s.unit() == Setting.Unit.BYTES) return Size.format(l);
        if (v instanceof Duration d) return Durations.format(d);
        if (v instanceof String str && str.isEmpty()) return "\"\"";
        if (v instanceof List<?> l && l.isEmpty()) return "none";
        return String.valueOf(v);
    }

    private static String row(String key, String type, String dflt, String range, String meaning, String source) {
        return "| `" + key + "` | " + type + " | " + (dflt.isEmpty() || dflt.startsWith("(") || dflt.equals("none") ? dflt : "`" + dflt + "`")
                + " | " + cell(range) + " | " + cell(meaning) + " | " + cell(source) + " |\n";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
