package dev.memvisor.measure.pdh;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one table of the perfmon objects and counters memvisor reads, in every language it knows
 * ({@link PerfLanguage}, each with its source), and their translation to English. Names match whatever
 * their case, spacing and apostrophes ({@code processeur(_total)\% temps processeur} as typeperf writes
 * what the user typed, full-width forms, {@code ’} for {@code '}).
 */
public final class CounterNames {
    /*
     * language | English object | English counter (empty: the object itself) | the name Windows writes.
     * Sources per language: PerfLanguage. Objects and counters are per object because Windows registers a
     * name per index (Processor and Process share "% Processor Time", index 6, but not every counter).
     */
    private static final String TABLE = """
            en | Processor |                   | Processor
            en | Processor | % Processor Time  | % Processor Time
            en | Processor | % User Time       | % User Time
            en | Processor | % Privileged Time | % Privileged Time
            en | Processor | % Idle Time       | % Idle Time
            en | Process   |                   | Process
            en | Process   | % Processor Time  | % Processor Time
            en | Process   | % User Time       | % User Time
            en | Process   | % Privileged Time | % Privileged Time
            en | Process   | ID Process        | ID Process
            en | Memory    |                   | Memory
            en | Memory    | Available MBytes  | Available MBytes
            en | Memory    | Available Bytes   | Available Bytes
            de | Processor |                   | Prozessor
            de | Processor | % Processor Time  | Prozessorzeit (%)
            de | Processor | % User Time       | Benutzerzeit (%)
            de | Processor | % Privileged Time | Privilegierte Zeit (%)
            de | Processor | % Idle Time       | Leerlaufzeit (%)
            de | Process   |                   | Prozess
            de | Process   | % Processor Time  | Prozessorzeit (%)
            de | Process   | % User Time       | Benutzerzeit (%)
            de | Process   | % Privileged Time | Privilegierte Zeit (%)
            de | Process   | ID Process        | Prozesskennung
            de | Memory    |                   | Arbeitsspeicher
            de | Memory    | Available MBytes  | Verfügbare MB
            de | Memory    | Available Bytes   | Verfügbare Bytes
            fr | Processor |                   | Processeur
            fr | Processor | % Processor Time  | % temps processeur
            fr | Processor | % User Time       | % temps utilisateur
            fr | Processor | % Privileged Time | % temps privilégié
            fr | Processor | % Idle Time       | % d'inactivité
            fr | Process   |                   | Processus
            fr | Process   | % Processor Time  | % temps processeur
            fr | Process   | % User Time       | % temps utilisateur
            fr | Process   | % Privileged Time | % temps privilégié
            fr | Process   | ID Process        | ID de processus
            fr | Memory    |                   | Mémoire
            fr | Memory    | Available MBytes  | Mégaoctets disponibles
            fr | Memory    | Available Bytes   | Octets disponibles
            es | Processor |                   | Procesador
            es | Processor | % Processor Time  | % de tiempo de procesador
            es | Processor | % User Time       | % de tiempo de usuario
            es | Processor | % Privileged Time | % de tiempo privilegiado
            es | Processor | % Idle Time       | % de tiempo inactivo
            es | Process   |                   | Proceso
            es | Process   | % Processor Time  | % de tiempo de procesador
            es | Process   | % User Time       | % de tiempo de usuario
            es | Process   | % Privileged Time | % de tiempo privilegiado
            es | Process   | ID Process        | Id. de proceso
            es | Memory    |                   | Memoria
            es | Memory    | Available MBytes  | Mbytes disponibles
            es | Memory    | Available Bytes   | Bytes disponibles
            it | Processor |                   | Processore
            it | Processor | % Processor Time  | % Tempo processore
            it | Processor | % User Time       | % Tempo utente
            it | Processor | % Privileged Time | % Tempo privilegiato
            it | Processor | % Idle Time       | % Tempo inattività
            it | Process   |                   | Processo
            it | Process   | % Processor Time  | % Tempo processore
            it | Process   | % User Time       | % Tempo utente
            it | Process   | % Privileged Time | % Tempo privilegiato
            it | Process   | ID Process        | ID processo
            it | Memory    |                   | Memoria
            it | Memory    | Available MBytes  | MByte disponibili
            it | Memory    | Available Bytes   | Byte disponibili
            pt | Processor |                   | Processador
            pt | Processor | % Processor Time  | % tempo de processador
            pt | Processor | % Processor Time  | % de tempo do processador
            pt | Processor | % User Time       | % tempo de usuário
            pt | Processor | % User Time       | % tempo de utilizador
            pt | Processor | % Privileged Time | % tempo privilegiado
            pt | Processor | % Idle Time       | % tempo ocioso
            pt | Processor | % Idle Time       | % tempo inativo
            pt | Process   |                   | Processo
            pt | Process   | % Processor Time  | % tempo de processador
            pt | Process   | % Processor Time  | % de tempo do processador
            pt | Process   | % User Time       | % tempo de usuário
            pt | Process   | % User Time       | % tempo de utilizador
            pt | Process   | % Privileged Time | % tempo privilegiado
            pt | Process   | ID Process        | Processo de identificação
            pt | Process   | ID Process        | Identificador de processo
            pt | Memory    |                   | Memória
            pt | Memory    | Available MBytes  | MBytes disponíveis
            pt | Memory    | Available Bytes   | Bytes disponíveis
            ru | Processor |                   | Процессор
            ru | Processor | % Processor Time  | % загруженности процессора
            ru | Processor | % User Time       | % работы в пользовательском режиме
            ru | Processor | % Privileged Time | % работы в привилегированном режиме
            ru | Process   |                   | Процесс
            ru | Process   | % Processor Time  | % загруженности процессора
            ru | Process   | % User Time       | % работы в пользовательском режиме
            ru | Process   | % Privileged Time | % работы в привилегированном режиме
            ru | Process   | ID Process        | Идентификатор процесса
            ru | Memory    |                   | Память
            ru | Memory    | Available MBytes  | Доступно МБ
            ja | Processor |                   | Processor
            ja | Processor | % Processor Time  | % Processor Time
            ja | Processor | % User Time       | % User Time
            ja | Processor | % Privileged Time | % Privileged Time
            ja | Processor | % Idle Time       | % Idle Time
            ja | Processor |                   | プロセッサ
            ja | Processor | % Processor Time  | % プロセッサ時間
            ja | Process   |                   | Process
            ja | Process   | % Processor Time  | % Processor Time
            ja | Process   | ID Process        | ID Process
            ja | Process   |                   | プロセス
            ja | Process   | % Processor Time  | % プロセッサ時間
            ja | Memory    |                   | Memory
            ja | Memory    | Available MBytes  | Available MBytes
            ja | Memory    | Available Bytes   | Available Bytes
            zh | Processor |                   | 处理器
            zh | Processor | % Processor Time  | % 处理器时间
            zh | Process   |                   | 进程
            zh | Process   | % Processor Time  | % 处理器时间
            zh | Memory    |                   | 内存
            zh | Memory    | Available MBytes  | 可用 MB
            """;

    /** One row of the table. */
    private record Row(PerfLanguage language, String object, String counter, String name) {}

    private static final List<Row> ROWS = new ArrayList<>();
    /** key(local object) -> English object. */
    private static final Map<String, String> OBJECTS = new HashMap<>();
    /** English object + "\\" + key(local counter) -> English counter. */
    private static final Map<String, String> COUNTERS = new HashMap<>();
    /** key(local object) -> the languages that name it so. */
    private static final Map<String, Set<PerfLanguage>> OBJECT_LANGUAGES = new HashMap<>();

    static {
        for (String line : TABLE.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split("\\|", -1);
            if (f.length != 4) throw new IllegalStateException("counter table row without 4 fields: " + line);
            PerfLanguage lang = PerfLanguage.ofCode(f[0].trim());
            if (lang == null) throw new IllegalStateException("counter table row of an unknown language: " + line);
            String object = f[1].trim(), counter = f[2].trim(), name = f[3].trim();
            Row row = new Row(lang, object, counter.isEmpty() ? null : counter, name);
            ROWS.add(row);
            if (row.counter() == null) {
                put(OBJECTS, key(name), object, line);
                OBJECT_LANGUAGES.computeIfAbsent(key(name), k -> EnumSet.noneOf(PerfLanguage.class)).add(lang);
                put(OBJECTS, key(object), object, line); // the English name always works
            } else {
                put(COUNTERS, object + "\\" + key(name), counter, line);
                put(COUNTERS, object + "\\" + key(counter), counter, line);
            }
        }
    }

    private CounterNames() {}

    private static void put(Map<String, String> map, String key, String english, String line) {
        String old = map.putIfAbsent(key, english);
        if (old != null && !old.equals(english)) {
            throw new IllegalStateException("counter table: '" + key + "' means both " + old + " and " + english + " (" + line + ")");
        }
    }

    /**
     * The form names are compared in: Unicode NFKC (full-width forms), lower case, no white space, one kind of
     * apostrophe. Windows' names differ from what users type and tools write only in these ways.
     */
    static String key(String name) {
        String n = Normalizer.normalize(name, Normalizer.Form.NFKC);
        StringBuilder b = new StringBuilder(n.length());
        n.codePoints().forEach(cp -> {
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) return;
            if (cp == '\u2019' || cp == '\u2018' || cp == '\u02BC' || cp == '\u00B4' || cp == '`') cp = '\'';
            b.appendCodePoint(Character.toLowerCase(cp));
        });
        return b.toString();
    }

    /** The English name of a perfmon object, or {@code name} itself if the table does not know it. */
    public static String object(String name) {
        return OBJECTS.getOrDefault(key(name), name);
    }

    /** The English name of counter {@code name} of the English object {@code englishObject}, or {@code name} itself if unknown. */
    public static String counter(String englishObject, String name) {
        return COUNTERS.getOrDefault(englishObject + "\\" + key(name), name);
    }

    /** True if the table knows {@code name} as an object, in any language. */
    public static boolean isKnownObject(String name) {
        return OBJECTS.containsKey(key(name));
    }

    /** True if the table knows {@code name} as a counter of the English object {@code englishObject}. */
    public static boolean isKnownCounter(String englishObject, String name) {
        return COUNTERS.containsKey(englishObject + "\\" + key(name));
    }

    /** The languages that name an object {@code name} (several: Italian and Spanish both say Memoria), empty if none. */
    public static Set<PerfLanguage> languagesOfObject(String name) {
        return Collections.unmodifiableSet(OBJECT_LANGUAGES.getOrDefault(key(name), EnumSet.noneOf(PerfLanguage.class)));
    }

    /** The English objects of the table, in table order. */
    public static Set<String> englishObjects() {
        Set<String> out = new LinkedHashSet<>();
        for (Row r : ROWS) out.add(r.object());
        return out;
    }

    /** The names {@code language} gives the English object {@code englishObject} (first: the usual one), empty if none. */
    public static List<String> localizedObjects(PerfLanguage language, String englishObject) {
        List<String> out = new ArrayList<>();
        for (Row r : ROWS) if (r.language() == language && r.counter() == null && r.object().equals(englishObject)) out.add(r.name());
        return out;
    }

    /** The names {@code language} gives counter {@code englishCounter} of {@code englishObject}, empty if none. */
    public static List<String> localizedCounters(PerfLanguage language, String englishObject, String englishCounter) {
        List<String> out = new ArrayList<>();
        for (Row r : ROWS) {
            if (r.language() == language && englishCounter.equals(r.counter()) && r.object().equals(englishObject)) out.add(r.name());
        }
        return out;
    }

    /** Every (English object, English counter) pair of the table, each once, in table order; counter null for the object itself. */
    public static Map<String, List<String>> englishCounters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Row r : ROWS) {
            List<String> l = out.computeIfAbsent(r.object(), o -> new ArrayList<>());
            if (r.counter() != null && !l.contains(r.counter())) l.add(r.counter());
        }
        return out;
    }
}
