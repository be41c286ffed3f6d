package dev.memvisor.cli.measure;

/** HTML escaping for report text. */
final class Html {
    private Html() {}

    /** Escapes {@code & < > "} so text can go into element content and attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
