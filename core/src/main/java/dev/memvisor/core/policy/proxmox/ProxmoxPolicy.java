package dev.memvisor.core.policy.proxmox;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.GuestUsage;
import dev.memvisor.core.policy.MemorySplit;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyName;
import dev.memvisor.core.state.HostStateMachine;
import dev.memvisor.core.unit.Size;

import java.util.ArrayList;
import java.util.List;

/**
 * Proxmox VE auto-ballooning, a port of pve-manager {@code PVE/AutoBalloon.pm} compute_alg1 as
 * pvestatd calls it: goal = 80 % of host memory less what is used; no change when the goal is
 * within 10 MiB; memory above each VM's minimum shared out by shares; each VM's size moves at most
 * 100 MiB per step; a shrink asks VMs with enough free memory (more than a quarter of their minimum)
 * first, a grow asks VMs under pressure first, and both fall back to every VM when that makes no
 * progress. Mapping: a VM's "balloon" (current size) = configured less balloon, balloon_min =
 * reservation, maxmem = min(limit, configured), freemem = guest free memory; VMs without a balloon
 * driver are left alone (Proxmox also skips VMs whose minimum is unset; here that is ballooning off).
 */
@PolicyName("proxmox")
public final class ProxmoxPolicy implements MemoryPolicy {
    private final PolicyConfig config;

    /** Creates the policy (stateless: one step per call, as pvestatd runs it every 10 s). */
    public ProxmoxPolicy(PolicyConfig config) {
        this.config = config;
    }

    @Override
    public Plan decide(HostView view) {
        List<VmView> vms = view.vms();
        int n = vms.size();
        long[] current = new long[n], floor = new long[n], ceiling = new long[n], shares = new long[n];
        List<Integer> all = new ArrayList<>(), pressured = new ArrayList<>(), roomy = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            VmView vm = vms.get(i);
            floor[i] = vm.settings().reservationBytes();
            ceiling[i] = vm.settings().ceilingBytes();
            // A limit below the configured size already caps the VM (Proxmox has no limit: maxmem is the size).
            current[i] = Math.max(floor[i], Math.min(ceiling[i], vm.visibleBytes()));
            shares[i] = vm.settings().shares();
            if (!vm.settings().ballooning()) continue;
            all.add(i);
            long free = GuestUsage.reportsFree(vm) ? vm.guestFreeBytes() : 0;
            if (free > 0 && free > floor[i] * 0.25 && current[i] >= floor[i]) roomy.add(i);
            else pressured.add(i);
        }
        long used = view.machineBytes() - view.freeBytes();
        long goal = (long) (view.machineBytes() * config.proxmoxTargetUsedFraction()) - used;
        long[] result = new long[n];
        boolean[] set = new boolean[n];
        String direction;
        if (goal > config.proxmoxDeadbandBytes()) {
            direction = "grow";
            long rest = change(result, set, pressured, goal, current, floor, ceiling, shares);
            if (rest >= goal) change(result, set, all, rest, current, floor, ceiling, shares);
        } else if (goal < -config.proxmoxDeadbandBytes()) {
            direction = "shrink";
            long rest = change(result, set, roomy, goal, current, floor, ceiling, shares);
            if (rest <= goal) change(result, set, all, rest, current, floor, ceiling, shares);
        } else {
            direction = "hold";
        }
        List<VmPlan> plans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            VmView vm = vms.get(i);
            long target = set[i] ? result[i] : current[i];
            String reason;
            if (!vm.settings().ballooning()) reason = "no balloon driver: left alone";
            else if (set[i] && target != current[i]) {
                reason = (target > current[i] ? "grow " : "shrink ") + Size.format(Math.abs(target - current[i]))
                        + " toward host goal " + signed(goal);
            } else reason = "unchanged (" + direction + ", host goal " + signed(goal) + ")";
            // Proxmox only balloons: a virtio-mem device keeps what is plugged and plugs more only to grow past it
            MemorySplit m = MemorySplit.of(vm, target, false);
            long balloon = vm.settings().ballooning() ? m.balloonBytes() : vm.balloonBytes();
            plans.add(new VmPlan(vm.name(), target, Math.max(0, balloon), 0, false, false, reason, m.pluggedBytes(), false));
        }
        return new Plan(view.timeMillis(), HostStateMachine.stateless(view.freeFraction(), config.thresholdsFor(view.machineBytes())),
                0, plans);
    }

    private static String signed(long bytes) {
        return (bytes < 0 ? "-" : "+") + Size.format(Math.abs(bytes));
    }

    /**
     * compute_alg1's change_func: moves {@code bytes} (positive grows, negative shrinks) across the
     * VMs of {@code ids} in proportion to shares over their minimum, at most maxchange each from
     * their original size; returns what could not be placed.
     */
    private long change(long[] res, boolean[] set, List<Integer> ids, long bytes,
                        long[] current, long[] floor, long[] ceiling, long[] shares) {
        long maxChange = config.proxmoxMaxStepBytes();
        long rest = bytes;
        boolean repeat = true;
        long progress = 1;
        boolean[] done = new boolean[current.length];
        while (rest != 0 && repeat && progress != 0) {
            repeat = false;
            progress = 0;
            long sharesTotal = 0, allocOld = 0;
            for (int i : ids) {
                if (done[i]) continue;
                allocOld += (set[i] ? res[i] : current[i]) - floor[i];
                sharesTotal += shares[i];
            }
            long changes = 0;
            long allocNew = allocOld + rest;
            for (int i : ids) {
                if (done[i]) continue;
                long desired = floor[i] + (long) (((double) allocNew / sharesTotal) * shares[i]);
                if (desired > ceiling[i]) {
                    desired = ceiling[i];
                    repeat = true;
                } else if (desired < floor[i]) {
                    desired = floor[i];
                    repeat = true;
                }
                long balloon;
                if (bytes > 0 && desired - current[i] > 0) {
                    balloon = Math.min(current[i] + maxChange, desired);
                } else if (desired - current[i] < 0) {
                    balloon = Math.max(current[i] - maxChange, desired);
                } else {
                    done[i] = true;
                    continue;
                }
                long diff = balloon - current[i];
                if (diff != 0) {
                    long old = set[i] ? res[i] : current[i];
                    res[i] = balloon;
                    set[i] = true;
                    long change = balloon - old;
                    if (change != 0) {
                        changes += change;
                        progress += Math.abs(diff);
                        repeat = true;
                    }
                }
            }
            rest -= changes;
        }
        return rest;
    }
}
