package ai.prometheus.guardian.group;

import ai.prometheus.guardian.error.ErrorLogView;
import java.util.List;

/**
 * One group in full: the first and latest events as samples, the traces they belong to, and a
 * timeline of events per hour with what happened to the group.
 */
public record ErrorGroupDetailView(
        ErrorGroupView group, List<ErrorLogView> samples, List<String> traceIds, Timeline timeline) {

    public record Timeline(List<ErrorGroupRepository.HourCount> hourly, List<GroupHistoryView> history) {}
}
