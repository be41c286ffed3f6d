package dev.memvisor.measure.pdh;

/**
 * One column of a PDH-CSV file: {@code \\machine\Object(Instance)\Counter}. Object and counter
 * are given in English (localized names are translated by {@link CounterNames}); {@code raw} is the
 * header as written.
 *
 * @param machine  the machine name, without the leading backslashes
 * @param object   the performance object, e.g. {@code Processor} or {@code Group Memory}
 * @param instance the instance, or null for objects without instances (e.g. {@code Memory})
 * @param counter  the counter, e.g. {@code % Processor Time}
 * @param raw      the column header as it appears in the file
 */
public record CounterPath(String machine, String object, String instance, String counter, String raw) {

    /**
     * Parses a header; null if it is not a counter path (esxtop writes a few such columns).
     * The instance is everything between the first {@code (} of the object part and its last {@code )},
     * so instances like {@code svchost (2)} or {@code 1303673:portunus} survive intact.
     */
    public static CounterPath parse(String header) {
        String h = header.trim();
        if (!h.startsWith("\\\\")) return null;
        int machineEnd = h.indexOf('\\', 2);
        int counterStart = h.lastIndexOf('\\');
        if (machineEnd < 0 || counterStart <= machineEnd) return null;
        String machine = h.substring(2, machineEnd);
        String objectPart = h.substring(machineEnd + 1, counterStart);
        String counter = h.substring(counterStart + 1);
        ObjectInstance oi = ObjectInstance.of(objectPart);
        String object = oi.object(), instance = oi.instance();
        if (object.isEmpty() || counter.isEmpty()) return null;
        String englishObject = CounterNames.object(object);
        return new CounterPath(machine, englishObject, instance, CounterNames.counter(englishObject, counter), header);
    }

    /** The column header for a counter: {@code \\machine\Object(Instance)\Counter}, or without {@code (Instance)} when it is null. */
    public static String header(String machine, String object, String instance, String counter) {
        return "\\\\" + machine + "\\" + object + (instance == null ? "" : "(" + instance + ")") + "\\" + counter;
    }

    /** The instance without a perfmon duplicate suffix: {@code chrome#2} becomes {@code chrome}. */
    public String instanceBaseName() {
        if (instance == null) return null;
        int hash = instance.lastIndexOf('#');
        if (hash > 0 && hash < instance.length() - 1 && instance.substring(hash + 1).chars().allMatch(Character::isDigit)) {
            return instance.substring(0, hash);
        }
        return instance;
    }
}
