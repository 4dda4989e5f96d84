// Java's own HttpsURLConnection (what CALLR's Java SDK casts to), trusting the mock's CA through
// -Djavax.net.ssl.trustStore. Usage: java Probe.java URL ; prints {"status": N, "body": "..."}.
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.HttpsURLConnection;

public class Probe {
    public static void main(String[] args) throws Exception {
        HttpsURLConnection connection = (HttpsURLConnection) new URL(args[0]).openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json-rpc; charset=utf-8");
        connection.getOutputStream().write("{}".getBytes(StandardCharsets.UTF_8));
        int status = connection.getResponseCode();
        InputStream stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        String body = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        String quoted = body.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
        System.out.println("{\"status\": " + status + ", \"body\": \"" + quoted + "\"}");
    }
}
