package dev.memvisor.measure.pdh;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Translates localized perfmon object and counter names to English, so selections and analyses are
 * written once. Covers the objects memvisor reads (Processor, Process, Memory, LogicalDisk) in German,
 * French, Spanish and Russian, as Windows names them (relog and typeperf write the local names).
 */
public final class CounterNames {
    private static final Map<String, String> OBJECTS = new HashMap<>();
    private static final Map<String, String> COUNTERS = new HashMap<>();

    static {
        object("Processor", "Prozessor", "Processeur", "Procesador", "Процессор");
        object("Process", "Prozess", "Processus", "Proceso", "Процесс");
        object("Memory", "Speicher", "Mémoire", "Memoria", "Память");
        object("LogicalDisk", "Logischer Datenträger", "Disque logique", "Disco lógico", "Логический диск");
        object("System", "Système", "Sistema", "Система");
        counter("% Processor Time", "Prozessorzeit (%)", "% temps processeur", "% de tiempo de procesador", "% загруженности процессора");
        counter("% Idle Time", "Leerlaufzeit (%)", "% d’inactivité", "% de tiempo inactivo", "% времени бездействия");
        counter("% User Time", "Benutzerzeit (%)", "% temps utilisateur", "% de tiempo de usuario", "% работы в пользовательском режиме");
        counter("% Privileged Time", "Privilegierte Zeit (%)", "% temps privilégié", "% de tiempo privilegiado", "% работы в привилегированном режиме");
        counter("Available MBytes", "Verfügbare MB", "Mégaoctets disponibles", "MBytes disponibles", "Доступно МБ");
        counter("% Disk Time", "Zeit (%)", "% temps disque", "% de tiempo de disco", "% активности диска");
        counter("ID Process", "Prozesskennung", "ID de processus", "Id. de proceso", "Идентификатор процесса");
    }

    private CounterNames() {}

    private static void object(String english, String... local) {
        for (String l : local) OBJECTS.put(l.toLowerCase(Locale.ROOT), english);
    }

    private static void counter(String english, String... local) {
        for (String l : local) COUNTERS.put(l.toLowerCase(Locale.ROOT), english);
    }

    /** The English name of a perfmon object, or the name itself if it is English or unknown. */
    public static String object(String name) {
        return OBJECTS.getOrDefault(name.toLowerCase(Locale.ROOT), name);
    }

    /** The English name of a perfmon counter, or the name itself if it is English or unknown. */
    public static String counter(String name) {
        return COUNTERS.getOrDefault(name.toLowerCase(Locale.ROOT), name);
    }
}
