package dev.memvisor.measure.pdh;

/** The {@code Object(Instance)} part of a PDH counter path, split; the instance is null when there is none. */
record ObjectInstance(String object, String instance) {
    /** Splits {@code Process(sqlservr#1)} into {@code Process} and {@code sqlservr#1}; instances may contain parentheses. */
    static ObjectInstance of(String objectPart) {
        int open = objectPart.indexOf('(');
        if (open > 0 && objectPart.endsWith(")")) {
            return new ObjectInstance(objectPart.substring(0, open), objectPart.substring(open + 1, objectPart.length() - 1));
        }
        return new ObjectInstance(objectPart, null);
    }
}
