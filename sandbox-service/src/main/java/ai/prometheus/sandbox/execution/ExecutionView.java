package ai.prometheus.sandbox.execution;

import ai.prometheus.shared.sandbox.EgressConnection;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A stored execution as the history API shows it: the fields of {@link ExecutionResult} plus where
 * it came from. {@code state} is {@code RUNNING} while a durable run is under way, else
 * {@code FINISHED}. Listings leave out code and output; fetching one execution includes them
 * (output as stored, up to the configured size) and, for a run with a network policy, its connections.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionView(
        UUID id,
        String state,
        String source,
        String language,
        String status,
        Integer exitCode,
        Integer signal,
        String message,
        String stdout,
        String stderr,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        ExecutionUsage usage,
        ExecutionLimits limits,
        ExecutionResult.Screening screening,
        String principal,
        String onBehalfOf,
        UUID sessionId,
        UUID invocationId,
        String idempotencyKey,
        Boolean warm,
        String code,
        String codeSha256,
        int codeBytes,
        int stdinBytes,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        NetworkPolicy network,
        List<EgressConnection> egress) {}
