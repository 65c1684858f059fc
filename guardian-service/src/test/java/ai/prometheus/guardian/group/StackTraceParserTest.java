package ai.prometheus.guardian.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StackTraceParserTest {

    @Test
    void javaFramesKeepClassAndMethodAndMarkRuntimeAndGeneratedCodeAsLibrary() {
        List<StackFrame> frames = StackTraceParser.parse(Traces.javaNpe(57, "name"));
        List<String> inApp = frames.stream()
                .filter(StackFrame::inApp)
                .map(StackFrame::toString)
                .toList();
        assertEquals(
                List.of(
                        "ai.acme.billing.InvoiceService#total",
                        "ai.acme.billing.InvoiceService#lambda$render",
                        "ai.acme.billing.InvoiceResource#render"),
                inApp);
        assertEquals(12 - 1, frames.size(), "every 'at' line is a frame");
    }

    @Test
    void javaCausesContributeTheirFramesAndElisionsAreSkipped() {
        List<StackFrame> frames = StackTraceParser.parse(Traces.javaWrapped());
        assertEquals(
                List.of("ai.acme.weather.ForecastClient#fetch", "ai.acme.weather.ForecastService#forecast"),
                frames.stream()
                        .filter(StackFrame::inApp)
                        .map(StackFrame::toString)
                        .toList());
        assertTrue(frames.stream().anyMatch(f -> f.module().equals("sun.nio.ch.Net") && !f.inApp()));
    }

    @Test
    void pythonFramesComeInnermostFirstWithSitePackagesAsLibrary() {
        List<StackFrame> frames = StackTraceParser.parse(Traces.python("/app", 40, "k"));
        assertEquals(
                List.of("requests/models#raise_for_status", "weather/client#fetch_forecast", "weather/handlers#handle"),
                frames.stream().map(StackFrame::toString).toList());
        assertEquals(
                List.of(false, true, true),
                frames.stream().map(StackFrame::inApp).toList());
    }

    @Test
    void pythonChainedTracebacksPutTheEscapingExceptionFirst() {
        List<StackFrame> frames = StackTraceParser.parse(Traces.pythonChained());
        assertEquals(
                List.of("workspace/main#load", "workspace/main#main", "workspace/main#<module>", "workspace/main#load"),
                frames.stream().map(StackFrame::toString).toList());
    }

    @Test
    void nodeFramesDropAsyncAliasesLocationsAndLibraries() {
        List<StackFrame> frames = StackTraceParser.parse(Traces.node("/srv/app", 10, "id"));
        assertEquals(
                List.of(
                        "src/users#getUser",
                        "src/routes#<anonymous>",
                        "express/lib/router/layer#Layer.handle",
                        "express/lib/router/route#next",
                        "process/task_queues#process.processTicksAndRejections"),
                frames.stream().map(StackFrame::toString).toList());
        assertEquals(
                List.of(true, true, false, false, false),
                frames.stream().map(StackFrame::inApp).toList());
    }

    @Test
    void textWithoutFramesHasNone() {
        assertEquals(List.of(), StackTraceParser.parse(null));
        assertEquals(List.of(), StackTraceParser.parse("   "));
        assertEquals(List.of(), StackTraceParser.parse("disk full\nplease retry at 10:00"));
    }
}
