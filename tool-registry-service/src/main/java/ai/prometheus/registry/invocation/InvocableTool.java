package ai.prometheus.registry.invocation;

import ai.prometheus.registry.permission.ToolAcl;
import ai.prometheus.registry.permission.ToolOwnership;
import ai.prometheus.registry.tool.ToolStatus;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;

/**
 * A live tool as admission decides on it: who may invoke it, its status, which version is current
 * and what its arguments must be, with the row version it was read at ({@link AdmissionRepository}).
 */
record InvocableTool(
        UUID id,
        String rowVersion,
        String name,
        String owner,
        ToolAcl acl,
        ToolStatus status,
        String statusReason,
        int currentVersion,
        String fingerprint,
        JsonNode functionSignature) {

    static InvocableTool of(AdmissionRepository.ToolRow row, ObjectMapper json) {
        try {
            return new InvocableTool(
                    row.id(),
                    row.rowVersion(),
                    row.name(),
                    row.owner(),
                    row.permissions() == null
                            ? new ToolAcl(null, null, null)
                            : json.readValue(row.permissions(), ToolAcl.class),
                    ToolStatus.valueOf(row.status()),
                    row.statusReason(),
                    row.currentVersion(),
                    row.fingerprint(),
                    row.functionSignature() == null ? null : json.readTree(row.functionSignature()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tool " + row.name() + " has an unreadable row", e);
        }
    }

    ToolOwnership ownership() {
        return new ToolOwnership(name, owner, acl);
    }
}
