package dev.memvisor.settings;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonMappingException;

/** A value a settings deserializer refused; its message is ready for the user (the path and line are added by {@link YamlDocument}). */
final class SettingValueException extends JsonMappingException {
    SettingValueException(JsonParser p, String message) {
        super(p, message);
    }

    /** The same refusal under {@code key}, one level further down (so Jackson's path ends at the key). */
    SettingValueException under(String key) {
        prependPath(new Reference(null, key));
        return this;
    }
}
