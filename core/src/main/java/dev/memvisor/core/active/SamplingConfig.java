package dev.memvisor.core.active;

import dev.memvisor.core.InvalidSettingException;

/**
 * Parameters of active-memory sampling. Defaults follow ESX: 100 pages per 30 s period
 * (Waldspurger, OSDI 2002, section 5.3); the averages' half-lives are memvisor's choice
 * (the paper names a fast and a slow average without constants).
 *
 * @param samplePages        pages sampled per VM and period
 * @param periodMillis       length of one sampling period
 * @param fastHalfLifeMillis half-life of the fast moving average
 * @param slowHalfLifeMillis half-life of the slow moving average
 */
public record SamplingConfig(int samplePages, long periodMillis, long fastHalfLifeMillis, long slowHalfLifeMillis) {

    /** 100 pages every 30 s; fast average half-life 30 s (one period), slow 2 min (four periods). */
    public static final SamplingConfig DEFAULT = new SamplingConfig(100, 30_000, 30_000, 120_000);

    /** Validates every field. */
    public SamplingConfig {
        if (samplePages <= 0) throw new InvalidSettingException("sampling.samplePages", samplePages, "an integer > 0");
        if (periodMillis <= 0) throw new InvalidSettingException("sampling.periodMillis", periodMillis, "a duration > 0 ms");
        if (fastHalfLifeMillis <= 0) throw new InvalidSettingException("sampling.fastHalfLifeMillis", fastHalfLifeMillis, "a duration > 0 ms");
        if (slowHalfLifeMillis < fastHalfLifeMillis) {
            throw new InvalidSettingException("sampling.slowHalfLifeMillis", slowHalfLifeMillis,
                    "a duration >= sampling.fastHalfLifeMillis (" + fastHalfLifeMillis + ")");
        }
    }
}
