package dev.memvisor.core.control;

import dev.memvisor.core.model.HostView;

/**
 * What a host must offer the {@link Controller}: a view of itself now, and a way to carry out one
 * {@link Action}. The simulator, the QEMU manager and the libvirt manager each implement it; nothing
 * about a decision or its bounds differs between them.
 */
public interface HostAdapter {

    /**
     * What the host and each VM look like now. A VM the host cannot observe is left out of the view
     * (the adapter decides how its memory still counts against the host).
     *
     * @param nowMillis the decision time, milliseconds since the start of the run (simulated or wall clock)
     */
    HostView observe(long nowMillis);

    /**
     * Carries out one action.
     *
     * @throws RuntimeException when it could not be done; the message says why (the controller
     *                          records it and sends the action again at the next decision)
     */
    void apply(Action action);
}
