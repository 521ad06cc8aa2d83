package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.proxy.MirrorSettings;
import java.time.Clock;

/**
 * What the mirrored requests of one proxy share, whatever loop they run on; every part is thread-safe.
 *
 * @param settings   what to mirror and how to compare
 * @param targets    where mirrors go
 * @param statistics where pairs and drops are counted
 * @param comparator the comparison rules
 * @param requests   makes the mirrored copy of a live head
 * @param clock      when mismatches happened, for the samples
 */
record MirrorServices(MirrorSettings settings, MirrorTargets targets, MirrorStatistics statistics,
                      PairComparator comparator, MirrorRequests requests, Clock clock) {
}
