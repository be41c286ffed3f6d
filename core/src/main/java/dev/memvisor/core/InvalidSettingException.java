package dev.memvisor.core;

/** A setting that is out of range: names the field, the value it got and what is allowed. */
public final class InvalidSettingException extends IllegalArgumentException {
    private final String field;
    private final String value;
    private final String allowed;

    /** Creates the exception for {@code field} holding {@code value}, where {@code allowed} describes the valid range. */
    public InvalidSettingException(String field, Object value, String allowed) {
        super(field + ": got " + value + ", expected " + allowed);
        this.field = field;
        this.value = String.valueOf(value);
        this.allowed = allowed;
    }

    /** The field that was wrong, for example {@code vm[web].reservation}. */
    public String field() { return field; }

    /** The value it got, as text. */
    public String value() { return value; }

    /** What the field accepts. */
    public String allowed() { return allowed; }
}
