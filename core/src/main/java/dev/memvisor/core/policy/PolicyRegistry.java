package dev.memvisor.core.policy;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.policy.baseline.StaticPolicy;
import dev.memvisor.core.policy.esx.EsxPolicy;
import dev.memvisor.core.policy.hyperv.HyperVPolicy;
import dev.memvisor.core.policy.mom.MomPolicy;
import dev.memvisor.core.policy.proxmox.ProxmoxPolicy;
import dev.memvisor.core.policy.psi.PsiPolicy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Maps policy names to factories; adding a policy is one new class and one line here. */
public final class PolicyRegistry {
    private static final Map<String, Function<PolicyConfig, MemoryPolicy>> FACTORIES = new LinkedHashMap<>();

    static {
        register("esx", EsxPolicy.class, EsxPolicy::new);
        register("hyperv", HyperVPolicy.class, HyperVPolicy::new);
        register("proxmox", ProxmoxPolicy.class, ProxmoxPolicy::new);
        register("mom", MomPolicy.class, MomPolicy::new);
        register("static", StaticPolicy.class, StaticPolicy::new);
        register("psi", PsiPolicy.class, PsiPolicy::new);
    }

    private PolicyRegistry() {}

    private static void register(String name, Class<? extends MemoryPolicy> type, Function<PolicyConfig, MemoryPolicy> factory) {
        PolicyName declared = type.getAnnotation(PolicyName.class);
        if (declared == null || !declared.value().equals(name)) {
            throw new IllegalStateException(type.getName() + " must be annotated @PolicyName(\"" + name + "\")");
        }
        FACTORIES.put(name, factory);
    }

    /** The registered policy names, in registration order. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(FACTORIES.keySet());
    }

    /**
     * A new instance of the named policy.
     *
     * @throws InvalidSettingException naming the known policies when the name is not registered
     */
    public static MemoryPolicy create(String name, PolicyConfig config) {
        Function<PolicyConfig, MemoryPolicy> f = FACTORIES.get(name);
        if (f == null) throw new InvalidSettingException("policy", name, "one of " + String.join(", ", FACTORIES.keySet()));
        return f.apply(config);
    }
}
