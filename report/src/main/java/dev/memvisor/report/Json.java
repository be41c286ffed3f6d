package dev.memvisor.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/** The JSON a page embeds: numbers with NaN and infinities as null (uPlot's gaps), safe inside a script element. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static List<Double> numbers(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) out.add(Double.isFinite(v) ? v : null);
        return out;
    }

    /** Serialises for an inline script: "</" cannot end the script element early. */
    static String forScript(Object value) {
        try {
            return MAPPER.writeValueAsString(value).replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise chart data: " + e.getMessage(), e);
        }
    }
}
