package dev.memvisor.qemu.manager;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One observation of every VM of a host at once, each with its own deadline, so a VM whose peer is
 * stopped or hung (a QEMU, libvirtd) costs its own VM that long and the others nothing: a VM whose
 * previous probe has not answered yet is not asked again; a VM that does not answer in time is left
 * out of the view, and while its QEMU lives the memory it still holds keeps counting
 * ({@link VmLoad#heldBytes()}). Failures are reported once each (and again when they change), and a
 * VM that answers again is reported managed again. Every real host (QEMU over QMP, libvirt) observes
 * through it, so they count and report alike.
 */
public final class ProbeRound {
    private ProbeRound() {}

    /**
     * What one round saw.
     *
     * @param samples per observed VM, what was seen (in the host's order)
     * @param errors  per VM not observed, why
     * @param held    per VM not observed but alive, the memory it still holds
     * @param load    what the observed VMs consume and the others hold
     */
    public record Result(Map<String, VmSample> samples, Map<String, String> errors, Map<String, Long> held, VmLoad load) {}

    /** How a host observes one of its VMs. */
    public interface Probe<V extends TrackedVm> {
        /** Observes the VM (on a pool thread; it may block up to its peer's own timeout). */
        VmSample observe(V vm) throws Exception;

        /** The probe failed with {@code cause} (on the deciding thread): drop what is broken, e.g. the connection. */
        default void failed(V vm, Throwable cause) {}

        /** What the VM still holds while it cannot be observed: its QEMU's resident memory while it lives, else 0. */
        long held(V vm);
    }

    /**
     * Observes {@code vms} on {@code pool}, waiting at most {@code deadline} in all.
     *
     * @param interval whether this is a regular interval (a balloon still inflating counts from the next one again)
     * @param hung     what a VM that does not answer suggests, for messages (e.g. "QEMU stopped or hung?")
     * @param events   receives one line per VM that cannot be managed this time and per VM managed again
     */
    public static <V extends TrackedVm> Result run(List<V> vms, ExecutorService pool, Duration deadline, boolean interval, Probe<V> probe,
                                                   String hung, Consumer<String> events) {
        Map<V, String> busy = new LinkedHashMap<>();
        for (V vm : vms) {
            if (vm.probe != null && !vm.probe.isDone()) {
                busy.put(vm, "no answer yet to the previous observation (" + hung + ")");
                continue;
            }
            vm.probe = pool.submit(() -> probe.observe(vm));
        }
        long end = System.nanoTime() + deadline.toNanos();
        Map<String, VmSample> samples = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, Long> held = new LinkedHashMap<>();
        long used = 0, heldSum = 0;
        for (V vm : vms) {
            String error = busy.get(vm);
            VmSample s = null;
            if (error == null) {
                try {
                    s = vm.probe.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    error = "no answer within " + deadline.toMillis() + " ms (" + hung + ")";
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    error = c.getMessage() == null ? c.toString() : c.getMessage();
                    probe.failed(vm, c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    error = "interrupted";
                }
            }
            if (s != null) {
                vm.seen(s, interval);
                samples.put(vm.name(), s);
                used += vm.betweenIntervals(s.view().consumedBytes());
                if (vm.lastError != null) events.accept("vm " + vm.name() + ": managed again");
                vm.lastError = null;
                continue;
            }
            vm.unseen();
            errors.put(vm.name(), error);
            if (!error.equals(vm.lastError)) events.accept("vm " + vm.name() + ": not managed this interval: " + error);
            vm.lastError = error;
            long h = heldNow(probe, vm);
            if (h > 0) {
                held.put(vm.name(), h);
                heldSum += h;
            }
        }
        return new Result(samples, errors, held, new VmLoad(used, samples.size(), heldSum));
    }

    /** What an unobserved VM still holds; 0 when that cannot be read either. */
    private static <V extends TrackedVm> long heldNow(Probe<V> probe, V vm) {
        try {
            return probe.held(vm);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
