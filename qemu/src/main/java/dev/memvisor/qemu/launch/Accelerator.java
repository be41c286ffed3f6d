package dev.memvisor.qemu.launch;

/** How QEMU runs guest code: hardware virtualization (KVM) or the TCG emulator. */
public enum Accelerator {
    /** Hardware-assisted, via /dev/kvm. */
    KVM("kvm"),
    /** QEMU's Tiny Code Generator; slower, but every memory mechanism works the same. */
    TCG("tcg,tb-size=64");

    private final String accelArg;

    Accelerator(String accelArg) { this.accelArg = accelArg; }

    /** The value of QEMU's {@code -accel} option. */
    public String accelArg() { return accelArg; }
}
