// Readiness probe for the local single-node Kafka (KRaft) broker.
//
//   java -cp '.services/kafka/libs/*' scripts/services/kafka/KafkaReady.java HOST:PORT TIMEOUT_SECONDS
//
// Polls with one AdminClient until the broker answers a metadata request
// (describeCluster lists >= 1 broker, a controller is known), the KRaft
// quorum has a leader, and listTopics succeeds. Exit 0 when ready, 1 on timeout.
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;

public class KafkaReady {
    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:59092";
        long timeoutMs = (args.length > 1 ? Long.parseLong(args[1]) : 60) * 1000L;
        long deadline = System.currentTimeMillis() + timeoutMs;

        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-services-ready-probe");

        String last = "no attempt yet";
        try (Admin admin = Admin.create(p)) {
            while (System.currentTimeMillis() < deadline) {
                try {
                    var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000));
                    int nodes = cluster.nodes().get(3, TimeUnit.SECONDS).size();
                    var controller = cluster.controller().get(3, TimeUnit.SECONDS);
                    var quorum = admin.describeMetadataQuorum(new DescribeMetadataQuorumOptions().timeoutMs(3000))
                            .quorumInfo().get(3, TimeUnit.SECONDS);
                    admin.listTopics(new ListTopicsOptions().timeoutMs(3000).listInternal(true))
                            .names().get(3, TimeUnit.SECONDS);
                    if (nodes >= 1 && controller != null && !controller.isEmpty() && quorum.leaderId() >= 0) {
                        System.out.println("ready: brokers=" + nodes + " quorumLeader=" + quorum.leaderId());
                        return;
                    }
                    last = "brokers=" + nodes + " controller=" + controller + " leader=" + quorum.leaderId();
                } catch (Exception e) {
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    last = c.getClass().getSimpleName() + ": " + c.getMessage();
                }
                Thread.sleep(300);
            }
        }
        System.err.println("kafka not ready at " + bootstrap + " after " + timeoutMs / 1000 + "s: " + last);
        System.exit(1);
    }
}
