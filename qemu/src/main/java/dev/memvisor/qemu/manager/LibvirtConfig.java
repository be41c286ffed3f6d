package dev.memvisor.qemu.manager;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * host.yaml's {@code libvirt:} block, resolved: whether libvirt's domains are managed, through which
 * connection, and the settings host.yaml gives some of them by name (the keys: {@link HostFile.Libvirt}).
 *
 * @param mode    whether to manage libvirt's domains
 * @param uri     libvirt's connection URI
 * @param domains per-domain settings by name, over the domain's own
 */
public record LibvirtConfig(Mode mode, String uri, List<DomainConfig> domains) {
    /** libvirt's system QEMU driver, the default connection. */
    public static final String SYSTEM_URI = new HostFile.Libvirt().uri;
    /** The default: manage libvirt's domains when libvirtd answers at start, on the system URI. */
    public static final LibvirtConfig DEFAULT = new LibvirtConfig(Mode.parse(new HostFile.Libvirt().enabled), SYSTEM_URI, List.of());
    /** libvirt's domains are not managed. */
    public static final LibvirtConfig OFF = new LibvirtConfig(Mode.OFF, SYSTEM_URI, List.of());

    /** Copies the list. */
    public LibvirtConfig {
        domains = List.copyOf(domains);
    }

    /** host.yaml's settings for the domain named {@code name}, if it has any. */
    public Optional<DomainConfig> domain(String name) {
        return domains.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** Whether libvirt's domains are managed. */
    public enum Mode {
        /** When libvirtd answers at start. */
        AUTO,
        /** Always: the manager waits for libvirtd when it does not answer yet. */
        ON,
        /** Never. */
        OFF;

        /**
         * {@code auto}, {@code true} or {@code false} (any case).
         *
         * @throws IllegalArgumentException naming what was expected
         */
        public static Mode parse(String s) {
            switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
                case "auto": return AUTO;
                case "true": return ON;
                case "false": return OFF;
                default: throw new IllegalArgumentException("got '" + s + "', expected auto, true or false");
            }
        }
    }
}
