package dev.memvisor.core.settings;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One setting of a settings file: what it means, how it is written, the values it takes and where its
 * default comes from. The default itself is the field's initial value (or the defaults instance of a
 * record), declared once. The settings binding reads this to check ranges and name YAML keys, and the
 * configuration reference (docs/configuration.md) is generated from it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface Setting {
    /** What the setting does, one line. */
    String value();

    /** How the value is written: a plain number, text or flag, a size ({@code 512M}) or a duration ({@code 100ms}). */
    Unit unit() default Unit.NONE;

    /**
     * The values allowed, in interval notation checked when the file is read: {@code [0, 1)}, {@code (0, 1]},
     * {@code [1, 1024]}, {@code [64M, inf)}, {@code [100ms, 1d]}; bounds of sizes and durations are written
     * with their units. Empty: any value of the type.
     */
    String range() default "";

    /** What 0 means when 0 is allowed outside {@link #range()} (e.g. {@code off}); empty: 0 is not special. */
    String zero() default "";

    /** What leaving the setting out means when it has no default value (e.g. {@code the configured memory}); {@value #REQUIRED}: it must be given. */
    String absent() default "";

    /** The {@link #absent()} of a setting that must be given. */
    String REQUIRED = "required";

    /** Where the default or the mechanism comes from (a paper, a product's documentation). */
    String source() default "";

    /** How a setting's value is written. */
    enum Unit {
        /** A number, text, flag or a mapping of further settings. */
        NONE,
        /** Bytes, written as a size: {@code 4096}, {@code 512K}, {@code 512M}, {@code 4G}, {@code 1.5T} (binary units). */
        BYTES,
        /** A duration: {@code 4us}, {@code 100ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 1d}; a bare number is seconds. */
        DURATION
    }
}
