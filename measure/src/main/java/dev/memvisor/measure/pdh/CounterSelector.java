package dev.memvisor.measure.pdh;

import java.util.regex.Pattern;

/**
 * Selects counters by object, instance and counter, each a case-insensitive wildcard pattern
 * ({@code *} any run of characters, {@code ?} one character). Written as
 * {@code Object(Instance)\Counter} or {@code Object\Counter}, optionally after {@code \\machine\}.
 */
public final class CounterSelector {
    private final Pattern machine;
    private final Pattern object;
    private final Pattern instance;
    private final Pattern counter;
    private final String text;

    private CounterSelector(String text, Pattern machine, Pattern object, Pattern instance, Pattern counter) {
        this.text = text;
        this.machine = machine;
        this.object = object;
        this.instance = instance;
        this.counter = counter;
    }

    /** Builds a selector from its three parts; a null instance pattern matches only counters without an instance. */
    public static CounterSelector of(String object, String instance, String counter) {
        String englishObject = CounterNames.object(object);
        return new CounterSelector(object + (instance == null ? "" : "(" + instance + ")") + "\\" + counter,
                null, glob(englishObject), instance == null ? null : glob(instance), glob(CounterNames.counter(englishObject, counter)));
    }

    /** Parses {@code [\\machine\]Object[(Instance)]\Counter}. */
    public static CounterSelector parse(String text) {
        String t = text.trim();
        Pattern machine = null;
        if (t.startsWith("\\\\")) {
            int end = t.indexOf('\\', 2);
            if (end < 0) throw new IllegalArgumentException("counter selector '" + text + "': expected \\\\machine\\Object(Instance)\\Counter");
            machine = glob(t.substring(2, end));
            t = t.substring(end + 1);
        }
        int sep = t.lastIndexOf('\\');
        if (sep <= 0 || sep == t.length() - 1) {
            throw new IllegalArgumentException("counter selector '" + text + "': expected Object(Instance)\\Counter or Object\\Counter");
        }
        String objectPart = t.substring(0, sep);
        String counter = t.substring(sep + 1);
        ObjectInstance oi = ObjectInstance.of(objectPart);
        String object = oi.object(), instance = oi.instance();
        String englishObject = CounterNames.object(object);
        return new CounterSelector(text, machine, glob(englishObject),
                instance == null ? null : glob(instance), glob(CounterNames.counter(englishObject, counter)));
    }

    /** This selector with another instance pattern ({@code *} for every instance). */
    public CounterSelector withInstance(String instanceGlob) {
        return new CounterSelector(text + " [instance " + instanceGlob + "]", machine, object, glob(instanceGlob), counter);
    }

    /** True if this selector matches the column. */
    public boolean matches(CounterPath path) {
        if (path == null) return false;
        if (machine != null && !machine.matcher(path.machine()).matches()) return false;
        if (!object.matcher(path.object()).matches()) return false;
        if (!counter.matcher(path.counter()).matches()) return false;
        if (instance == null) return path.instance() == null;
        return path.instance() != null && instance.matcher(path.instance()).matches();
    }

    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            if (ch == '*') re.append(".*");
            else if (ch == '?') re.append('.');
            else re.append(Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return text;
    }
}
