package ai.prometheus.registry.quota;

import ai.prometheus.registry.quota.QuotaCounterRepository.Amount;
import ai.prometheus.registry.quota.QuotaCounterRepository.Counter;
import ai.prometheus.registry.quota.QuotaCounterRepository.CounterTransaction;
import ai.prometheus.shared.platform.postgres.SqlPart;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fixed-window quota counters in PostgreSQL, shared by every registry replica. A call is admitted
 * by one statement per limit that increments the window's counter only while it is below the
 * limit ({@code insert ... on conflict do update ... where used < limit returning used}): the row
 * lock makes check and increment one step, so replicas together never admit more than the limit.
 * All of a call's limits are taken in one transaction, in a fixed order; if any is exhausted the
 * transaction rolls back and no counter moves. The statements are {@link QuotaCounterRepository}'s.
 */
@ApplicationScoped
public class QuotaCounters {

    /** One limit to check: whose counter ({@code caller:<sub>} or {@code *}), what, and how much. */
    public record Check(String scope, String subject, QuotaMetric metric, long limit) {}

    /** The limit that refused a call. */
    public static final class Exhausted extends RuntimeException {
        private final Check check;
        private final long used;

        Exhausted(Check check, long used) {
            super(null, null, false, false);
            this.check = check;
            this.used = used;
        }

        public Check check() {
            return check;
        }

        public long used() {
            return used;
        }
    }

    private final QuotaCounterRepository counters;

    public QuotaCounters(QuotaCounterRepository counters) {
        this.counters = counters;
    }

    /** Windows that ended days ago count for nothing; any replica may remove them. */
    @Scheduled(every = "1h", delayed = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purgeEndedWindows() {
        return counters.deleteEndedWindows();
    }

    /**
     * Admits one call: budgets (CPU, egress) must not be used up, and every call counter is taken.
     * Fails with {@link Exhausted} naming the first limit that refused, leaving every counter as it
     * was. {@code alongside} (the call's audit entry) is written last in the same transaction.
     */
    public Uni<Void> admit(UUID toolId, List<Check> budgets, List<Check> calls, OffsetDateTime now, SqlPart alongside) {
        return counters.inTransaction(transaction -> {
            Uni<Void> steps = Uni.createFrom().voidItem();
            for (Check budget : budgets) {
                steps = steps.chain(() -> withinBudget(transaction, toolId, budget, now));
            }
            for (Check call : calls) {
                steps = steps.chain(() -> takeCall(transaction, toolId, call, now));
            }
            return steps.chain(() -> transaction.execute(alongside));
        });
    }

    /** A budget is only read at admission (the run charges it later): refused once used up. */
    private static Uni<Void> withinBudget(
            CounterTransaction transaction, UUID toolId, Check budget, OffsetDateTime now) {
        return transaction
                .used(toolId, counter(budget, now))
                .invoke(used -> {
                    if (used >= budget.limit()) {
                        throw new Exhausted(budget, used);
                    }
                })
                .replaceWithVoid();
    }

    /** A call counter is taken at admission, if below its limit. */
    private static Uni<Void> takeCall(CounterTransaction transaction, UUID toolId, Check call, OffsetDateTime now) {
        return transaction
                .takeOne(toolId, counter(call, now), call.limit())
                .invoke(taken -> {
                    if (!taken) {
                        throw new Exhausted(call, call.limit());
                    }
                })
                .replaceWithVoid();
    }

    /** Adds what a finished run used to the day's counters of its caller and of the tool. */
    public Uni<Void> charge(UUID toolId, String caller, long cpuMs, long egressBytes, OffsetDateTime at) {
        Uni<Void> steps = Uni.createFrom().voidItem();
        for (String subject : List.of(QuotaService.callerSubject(caller), QuotaService.TOTAL)) {
            for (Map.Entry<QuotaMetric, Long> amount : Map.of(
                            QuotaMetric.CPU_SECONDS_PER_DAY, cpuMs, QuotaMetric.EGRESS_BYTES_PER_DAY, egressBytes)
                    .entrySet()) {
                if (amount.getValue() > 0) {
                    Amount charged = new Amount(counter(subject, amount.getKey(), at), amount.getValue());
                    steps = steps.chain(() -> counters.add(toolId, charged));
                }
            }
        }
        return steps;
    }

    /**
     * As {@link #charge}, all amounts in one statement through the current Hibernate Reactive
     * session (so inside its transaction). The rows are distinct (caller and total, per metric), and
     * always in the same order (caller first), so concurrent charges cannot deadlock.
     */
    public Uni<Void> chargeInSession(UUID toolId, String caller, long cpuMs, long egressBytes, OffsetDateTime at) {
        List<Amount> amounts = amounts(caller, cpuMs, egressBytes, at);
        if (amounts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return counters.addInSession(toolId, amounts);
    }

    /**
     * The same charge as a statement to compose with the write it belongs to (see {@link SqlPart}),
     * parameters numbered from {@code first}; null when there is nothing to charge.
     */
    public SqlPart chargePart(UUID toolId, String caller, long cpuMs, long egressBytes, OffsetDateTime at, int first) {
        List<Amount> amounts = amounts(caller, cpuMs, egressBytes, at);
        return amounts.isEmpty() ? null : counters.addPart(toolId, amounts, first);
    }

    /** Caller first, then the total: the one order every charge keeps. */
    private static List<Amount> amounts(String caller, long cpuMs, long egressBytes, OffsetDateTime at) {
        List<Amount> amounts = new ArrayList<>();
        for (String subject : List.of(QuotaService.callerSubject(caller), QuotaService.TOTAL)) {
            if (cpuMs > 0) {
                amounts.add(new Amount(counter(subject, QuotaMetric.CPU_SECONDS_PER_DAY, at), cpuMs));
            }
            if (egressBytes > 0) {
                amounts.add(new Amount(counter(subject, QuotaMetric.EGRESS_BYTES_PER_DAY, at), egressBytes));
            }
        }
        return amounts;
    }

    /** The current windows' counters of these subjects: subject to counter key to amount used. */
    public Uni<Map<String, Map<String, Long>>> current(UUID toolId, List<String> subjects, OffsetDateTime now) {
        return counters.current(
                toolId,
                subjects,
                QuotaMetric.CALLS_PER_MINUTE.windowStart(now),
                QuotaMetric.CALLS_PER_DAY.windowStart(now));
    }

    private static Counter counter(Check check, OffsetDateTime now) {
        return counter(check.subject(), check.metric(), now);
    }

    private static Counter counter(String subject, QuotaMetric metric, OffsetDateTime at) {
        return new Counter(subject, metric.counterKey(), metric.windowStart(at));
    }
}
