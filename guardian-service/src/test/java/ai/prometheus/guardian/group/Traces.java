package ai.prometheus.guardian.group;

/** Stack traces as the runtimes print them, for the grouping tests. */
final class Traces {

    private Traces() {}

    static String javaNpe(int line, String user) {
        return """
                java.lang.NullPointerException: Cannot invoke "String.length()" because "%s" is null
                \tat ai.acme.billing.InvoiceService.total(InvoiceService.java:%d)
                \tat ai.acme.billing.InvoiceService.lambda$render$3(InvoiceService.java:%d)
                \tat java.base/java.util.stream.ReferencePipeline$3$1.accept(ReferencePipeline.java:197)
                \tat java.base/java.util.ArrayList$ArrayListSpliterator.forEachRemaining(ArrayList.java:1625)
                \tat ai.acme.billing.InvoiceResource_Subclass.render(InvoiceResource_Subclass.java:112)
                \tat ai.acme.billing.InvoiceResource$quarkusrestinvoker$render_8f3a9c.invoke(Unknown Source)
                \tat org.jboss.resteasy.reactive.server.handlers.InvocationHandler.handle(InvocationHandler.java:29)
                \tat io.quarkus.resteasy.reactive.server.runtime.QuarkusResteasyReactiveRequestContext.invokeHandler(QuarkusResteasyReactiveRequestContext.java:190)
                \tat io.vertx.core.impl.ContextImpl.emit(ContextImpl.java:342)
                \tat io.netty.util.concurrent.FastThreadLocalRunnable.run(FastThreadLocalRunnable.java:30)
                \tat java.base/java.lang.Thread.run(Thread.java:840)
                """.formatted(user, line, line + 20);
    }

    static String javaWrapped() {
        return """
                jakarta.ws.rs.ProcessingException: RESTEASY004655: Unable to invoke request
                \tat ai.acme.weather.ForecastClient.fetch(ForecastClient.java:88)
                \tat ai.acme.weather.ForecastService.forecast(ForecastService.java:41)
                \tat io.smallrye.mutiny.operators.uni.UniOnItemTransform$UniOnItemTransformProcessor.onItem(UniOnItemTransform.java:36)
                Caused by: java.net.ConnectException: Connection refused: api.weather.example/10.0.4.17:443
                \tat java.base/sun.nio.ch.Net.pollConnect(Native Method)
                \tat java.base/sun.nio.ch.NioSocketImpl.timedFinishConnect(NioSocketImpl.java:542)
                \t... 12 more
                """;
    }

    static String javaOnlyRuntimeFrames() {
        return """
                java.util.ConcurrentModificationException
                \tat java.base/java.util.ArrayList$Itr.checkForComodification(ArrayList.java:1013)
                \tat java.base/java.util.ArrayList$Itr.next(ArrayList.java:967)
                \tat java.base/java.lang.Thread.run(Thread.java:840)
                """;
    }

    static String python(String root, int line, String key) {
        return """
                Traceback (most recent call last):
                  File "%1$s/weather/handlers.py", line %2$d, in handle
                    forecast = fetch_forecast(city)
                  File "%1$s/weather/client.py", line %3$d, in fetch_forecast
                    response.raise_for_status()
                  File "/usr/local/lib/python3.11/site-packages/requests/models.py", line 1021, in raise_for_status
                    raise HTTPError(http_error_msg, response=self)
                requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://api.example/v1/forecast?key=%4$s
                """.formatted(root, line, line + 7, key);
    }

    static String pythonChained() {
        return """
                Traceback (most recent call last):
                  File "/workspace/main.py", line 12, in load
                    return config["timeout"]
                KeyError: 'timeout'

                During handling of the above exception, another exception occurred:

                Traceback (most recent call last):
                  File "/workspace/main.py", line 30, in <module>
                    main()
                  File "/workspace/main.py", line 26, in main
                    settings = load(raw)
                  File "/workspace/main.py", line 14, in load
                    raise ValueError("bad config") from None
                ValueError: bad config
                """;
    }

    static String node(String root, int line, String id) {
        return """
                TypeError: Cannot read properties of undefined (reading '%4$s')
                    at getUser (%1$s/src/users.js:%2$d:15)
                    at async Promise.all (index 0)
                    at %1$s/src/routes.js:%3$d:5
                    at Layer.handle [as handle_request] (%1$s/node_modules/express/lib/router/layer.js:95:5)
                    at next (%1$s/node_modules/express/lib/router/route.js:149:13)
                    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
                """.formatted(root, line, line + 12, id);
    }
}
