package dev.memvisor.density;

import dev.memvisor.density.mix.Mix;

import java.util.List;
import java.util.Map;

/**
 * Everything a density run found: the mix, the bounds, the standalone baselines, and per policy
 * the real and the simulated result (either may be absent).
 *
 * @param mix         the mix
 * @param bounds      the stopping rule's bounds
 * @param accelerator the real guests' accelerator (KVM or TCG), or null when only the simulator ran
 * @param simulator   the simulator's engine digest, or null when it did not run
 * @param baselines   per guest entry, its standalone operations a second (real runs only)
 * @param policies    the policies in the order asked
 * @param real        per policy, the real result
 * @param sim         per policy, the simulated result
 */
public record DensityReport(Mix mix, DensityBounds bounds, String accelerator, String simulator, Map<Integer, Double> baselines,
                            List<String> policies, Map<String, PolicyResult> real, Map<String, PolicyResult> sim) {}
