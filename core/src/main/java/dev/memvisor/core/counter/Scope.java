package dev.memvisor.core.counter;

/** What a counter describes: the whole host, one VM (an esxtop group), or one virtual CPU of a VM. */
public enum Scope {
    /** The host: esxtop's {@code Memory} and {@code Physical Cpu} objects. */
    HOST,
    /** One VM: esxtop's {@code Group Memory} and {@code Group Cpu} objects, instance {@code groupId:name}. */
    VM,
    /** One virtual CPU: esxtop's {@code Vcpu} object, instance {@code groupId:name:worldId:vmx-vcpu-N:name}. */
    VCPU
}
