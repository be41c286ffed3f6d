package dev.memvisor.measure.pdh;

/**
 * A Windows display language whose perfmon object and counter names memvisor knows, with where its names
 * come from. Windows writes counter names in the display language of the user who exports them
 * (Microsoft, "Retrieving Counter Names and Help Text": HKEY_PERFORMANCE_NLSTEXT follows the default UI
 * language of the current user); perfmon, typeperf and relog have no option for English names.
 */
public enum PerfLanguage {
    /** Windows' own names (Perflib\009), as in data/perfmon/perfmon.csv and Microsoft's typeperf and relog docs. */
    ENGLISH("en", "English", "Windows' English names (Perflib\\009); the real export data/perfmon/perfmon.csv"),
    /** German. */
    GERMAN("de", "German", PerfLanguage.PAL),
    /** French; typeperf on a French Windows 10 writes \\processeur(_total)\\% temps processeur (sensu-plugins-windows issue 16). */
    FRENCH("fr", "French", PerfLanguage.PAL + "; a real typeperf export in github.com/sensu-plugins/sensu-plugins-windows issue 16"),
    /** Spanish. */
    SPANISH("es", "Spanish", PerfLanguage.PAL),
    /** Italian; typeperf writes \\Processo(sqlceip#2)\\% Tempo processore (influxdata/telegraf issue 9882). */
    ITALIAN("it", "Italian", PerfLanguage.PAL + "; a real typeperf export in github.com/influxdata/telegraf issue 9882"),
    /** Portuguese, Brazil and Portugal (their names differ and both are listed). */
    PORTUGUESE("pt", "Portuguese", PerfLanguage.PAL + " (columns ptBR and ptPT; the file lost the tilde of 'identificação', restored here)"),
    /** Russian. */
    RUSSIAN("ru", "Russian", "scripts written against Russian Windows: github.com/GlebovSemjon/tensor-school-devops"
            + " monitoring/homework1/5/task5.ps1 and github.com/alexxsub/cpu_monitoring cpu_windows.ps1"
            + " (\\процессор(_total)\\% загруженности процессора), public PowerShell and C# code quoting \\Процесс(*)\\Идентификатор процесса,"
            + " \\Память\\Доступно МБ and the Processor counters, and Microsoft's Russian SQL Server docs"
            + " ('Процессор: % работы в пользовательском режиме')"),
    /**
     * Japanese: Windows keeps the English names (PAL's jaJP column; Japanese articles quote them in English, e.g.
     * ascii.jp 'Processor Information' / '% Processor Utility'); the katakana names below are those Microsoft's
     * Japanese documentation writes ('プロセッサ | % プロセッサ時間', 'プロセス\\% プロセッサ時間').
     */
    JAPANESE("ja", "Japanese", "English names (PAL CounterLang.xml, column jaJP); katakana names as Microsoft's Japanese BizTalk"
            + " and AD DS capacity-planning docs write them"),
    /** Chinese (Simplified). */
    CHINESE("zh", "Chinese", "scripts tested on Chinese Windows (Server 2016) quoting \\处理器(_Total)\\% 处理器时间 and \\进程(...),"
            + " found by exact-string search of public code; 内存 and 可用 MB as Microsoft's Chinese Windows Server docs write them"
            + " (machine-translated pages: the weakest entries of the table)");

    /** Performance Analysis of Logs, Microsoft's perfmon analyser: its translation table of Windows counter names. */
    static final String PAL = "PAL (github.com/clinthuffman/PAL, PAL2/PALWizard/bin/Debug/CounterLang.xml, v2.8.1, commit 3046f15),"
            + " the table PAL uses to read perfmon logs recorded on non-English Windows";

    private final String code;
    private final String displayName;
    private final String source;

    PerfLanguage(String code, String displayName, String source) {
        this.code = code;
        this.displayName = displayName;
        this.source = source;
    }

    /** ISO 639-1 code, e.g. {@code de}. */
    public String code() { return code; }

    /** English name of the language. */
    public String displayName() { return displayName; }

    /** Where the names of this language come from. */
    public String source() { return source; }

    /** The language with ISO 639-1 code {@code code}, or null. */
    public static PerfLanguage ofCode(String code) {
        for (PerfLanguage l : values()) if (l.code.equalsIgnoreCase(code)) return l;
        return null;
    }
}
