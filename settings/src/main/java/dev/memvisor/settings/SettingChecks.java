package dev.memvisor.settings;

import dev.memvisor.core.settings.Range;
import dev.memvisor.core.settings.Setting;
import dev.memvisor.core.unit.Durations;
import dev.memvisor.core.unit.Size;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Checks a bound settings object against the {@link Setting} of each public field: sizes and durations
 * written as text must parse, and every value must lie in its declared range. Walks nested settings
 * objects and lists of them, so each range is declared once, on its field.
 */
final class SettingChecks {
    private SettingChecks() {}

    /** Checks {@code obj} (whose keys start with {@code prefix}); errors name the key in {@code doc}. */
    static void check(Object obj, String prefix, YamlDocument doc) {
        if (obj == null || !isSettingsClass(obj.getClass())) return;
        for (Field f : obj.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            Object v;
            try {
                v = f.get(obj);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            String key = prefix + f.getName();
            Setting s = f.getAnnotation(Setting.class);
            if (s != null) value(v, f.getType(), s, key, doc);
            if (v instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) == null) throw doc.error(key + "[" + i + "]", "expected a mapping, got nothing");
                    check(list.get(i), key + "[" + i + "].", doc);
                }
            } else {
                check(v, key + ".", doc);
            }
        }
    }

    /** Whether a class holds settings: any public field carries a {@link Setting}. */
    static boolean isSettingsClass(Class<?> type) {
        if (type.isPrimitive() || type.getName().startsWith("java.")) return false;
        for (Field f : type.getFields()) if (f.isAnnotationPresent(Setting.class)) return true;
        return false;
    }

    private static void value(Object v, Class<?> type, Setting s, String key, YamlDocument doc) {
        if (v == null) {
            if (s.absent().equals(Setting.REQUIRED)) throw doc.error(key, "is required: " + s.value());
            if (s.absent().isEmpty() && (s.unit() != Setting.Unit.NONE || !s.range().isEmpty())) {
                throw doc.error(key, "got nothing, expected " + kind(type, s));
            }
            return;
        }
        BigDecimal n;
        String shown;
        if (s.unit() == Setting.Unit.BYTES && v instanceof String t) {
            if (t.isBlank() && !s.absent().isEmpty()) return;
            try {
                n = BigDecimal.valueOf(Size.parse(t));
            } catch (IllegalArgumentException e) {
                throw doc.error(key, e.getMessage().replaceFirst("^size: ", ""));
            }
            shown = t;
        } else if (s.unit() == Setting.Unit.DURATION && (v instanceof String || v instanceof Duration)) {
            try {
                n = BigDecimal.valueOf(v instanceof Duration d ? d.toNanos() : Durations.parse((String) v).toNanos());
            } catch (IllegalArgumentException e) {
                throw doc.error(key, e.getMessage().replaceFirst("^duration: ", ""));
            }
            shown = String.valueOf(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) throw doc.error(key, "got " + d + ", expected a finite number");
            n = BigDecimal.valueOf(d);
            shown = String.valueOf(d);
        } else if (v instanceof Number num) {
            n = BigDecimal.valueOf(num.longValue());
            shown = num.toString();
        } else {
            return;
        }
        if (s.range().isEmpty() || n.signum() == 0 && !s.zero().isEmpty()) return;
        Range r = Range.parse(s.range(), s.unit());
        if (!r.contains(n)) {
            throw doc.error(key, "got " + shown + ", expected " + r.describe(kind(type, s))
                    + (s.zero().isEmpty() ? "" : ", or 0 (" + s.zero() + ")"));
        }
    }

    /** What a value of a field is, for messages: a number, an integer, a size... */
    static String kind(Class<?> type, Setting s) {
        return dev.memvisor.core.settings.Settings.kind(type, s);
    }

    /** What a Jackson target type is, for messages about a wrong type. */
    static String kindOf(Class<?> type) {
        if (List.class.isAssignableFrom(type)) return "a list";
        if (isSettingsClass(type) || type == PolicySettings.class) return "a mapping";
        if (type == String.class) return "text";
        return dev.memvisor.core.settings.Settings.kind(type, null);
    }
}
