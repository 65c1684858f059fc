package ai.prometheus.registry.permission;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Who may read, invoke and manage one tool, on top of the token's permissions. Entries are
 * {@code *} (anyone whose token allows the action), {@code subject:<sub>} or {@code group:<group>}.
 * The owner may always do everything; {@code admin} too.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolAcl(
        @Size(max = MAX_ENTRIES) List<@Pattern(regexp = ENTRY, message = ENTRY_MESSAGE) String> read,
        @Size(max = MAX_ENTRIES) List<@Pattern(regexp = ENTRY, message = ENTRY_MESSAGE) String> invoke,
        @Size(max = MAX_ENTRIES) List<@Pattern(regexp = ENTRY, message = ENTRY_MESSAGE) String> manage) {

    static final int MAX_ENTRIES = 200;
    static final String ENTRY = "\\*|(subject|group):[^\\s]{1,255}";
    static final String ENTRY_MESSAGE = "must be *, subject:<subject> or group:<group>";

    /** New tools are visible to and invocable by anyone whose token allows it; only the owner manages. */
    public static final ToolAcl DEFAULT = new ToolAcl(List.of("*"), List.of("*"), List.of());

    public ToolAcl {
        read = read == null ? List.of() : List.copyOf(read);
        invoke = invoke == null ? List.of() : List.copyOf(invoke);
        manage = manage == null ? List.of() : List.copyOf(manage);
    }

    public List<String> entriesFor(ToolAction action) {
        return switch (action) {
            case READ -> read;
            case INVOKE -> invoke;
            case MANAGE -> manage;
        };
    }
}
