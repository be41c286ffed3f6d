package dev.memvisor.core.policy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The name a {@link MemoryPolicy} is known by in scenario files and on the command line. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PolicyName {
    /** The name, for example {@code esx}. */
    String value();
}
