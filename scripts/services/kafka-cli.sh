#!/usr/bin/env bash
# Run a Kafka CLI tool from the jars in .services/kafka/libs (after up.sh kafka).
#
#   scripts/services/kafka-cli.sh topics --list
#   scripts/services/kafka-cli.sh topics --create --topic t1 --partitions 3
#   echo hello | scripts/services/kafka-cli.sh console-producer --topic t1
#   scripts/services/kafka-cli.sh console-consumer --topic t1 --from-beginning --max-messages 1
#   scripts/services/kafka-cli.sh consumer-groups --list
#   scripts/services/kafka-cli.sh <fully.qualified.MainClass> [args...]
#
# --bootstrap-server 127.0.0.1:$KAFKA_PORT is added unless given.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LIBS="$STATE_DIR/kafka/libs"
[[ -f $LIBS/.stamp ]] || die "no Kafka jars in $LIBS: run scripts/services/up.sh kafka first"
(($#)) || { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

tool=$1
shift
case $tool in
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  console-producer) main=kafka.tools.ConsoleProducer ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  producer-perf) main=org.apache.kafka.tools.ProducerPerformance ;;
  *.*) main=$tool ;;
  *) die "unknown tool '$tool' (topics, console-producer, console-consumer, consumer-groups, producer-perf, or a class name)" ;;
esac

args=("$@")
case $tool in
  topics | console-producer | console-consumer | consumer-groups)
    [[ " $* " == *" --bootstrap-server "* ]] || args+=(--bootstrap-server "127.0.0.1:$KAFKA_PORT")
    ;;
esac

exec java -Xmx256m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
  -Dlog4j.configuration="file:$SERVICES_DIR/kafka/tools-log4j.properties" \
  -cp "$LIBS/*" "$main" "${args[@]}"
