#!/usr/bin/env bash
# Publishing check: installs the reactor into a private local repository (never ~/.m2), checks what a release would
# publish (each library module's jar, -sources and -javadoc jars, their LICENSE, its Automatic-Module-Name, the
# BOM's entries and metadata), then builds and runs a fresh Maven project that imports bluegreen-bom and depends on
# bluegreen-proxy without a version: it starts a proxy in front of two JDK HTTP servers, switches, and checks both
# answers; then adds bluegreen-zookeeper and checks which ZooKeeper it brings, and that it brings no netty-tcnative.
#
# Usage: scripts/check-consumer.sh            (repository: $BLUEGREEN_CHECK_REPO, default /tmp/bluegreen-check-m2)
# Needs Maven Central for whatever the private repository lacks; not part of `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPO=${BLUEGREEN_CHECK_REPO:-/tmp/bluegreen-check-m2}
LIBRARIES="bluegreen-core bluegreen-proxy bluegreen-zookeeper bluegreen-drill bluegreen-spring-boot-starter"

fail() { echo "check-consumer: FAILED: $*" >&2; exit 1; }

if [ ! -d "$REPO" ]; then
    # Seeding it from ~/.m2 saves downloading the plugins and dependencies again; only reads ~/.m2.
    if [ -d "$HOME/.m2/repository" ]; then cp -a "$HOME/.m2/repository" "$REPO"; else mkdir -p "$REPO"; fi
fi

echo "check-consumer: installing the reactor into $REPO"
mvn -B -q -Dmaven.repo.local="$REPO" install -DskipTests

VERSION=$(python3 - <<'PY'
import xml.etree.ElementTree as ET
ns = {'m': 'http://maven.apache.org/POM/4.0.0'}
print(ET.parse('pom.xml').getroot().find('m:version', ns).text)
PY
)
GROUP_DIR="$REPO/dev/bluegreen"

for module in $LIBRARIES; do
    dir="$GROUP_DIR/$module/$VERSION"
    for suffix in "" -sources -javadoc; do
        [ -f "$dir/$module-$VERSION$suffix.jar" ] || fail "$module: no $module-$VERSION$suffix.jar installed"
    done
    for suffix in "" -sources; do
        unzip -p "$dir/$module-$VERSION$suffix.jar" META-INF/LICENSE | cmp -s - LICENSE \
            || fail "$module: $module-$VERSION$suffix.jar has no META-INF/LICENSE equal to LICENSE"
    done
    expected=$(sed -n 's:.*<module.name>\(.*\)</module.name>.*:\1:p' "$module/pom.xml")
    actual=$(unzip -p "$dir/$module-$VERSION.jar" META-INF/MANIFEST.MF | tr -d '\r' \
        | sed -n 's/^Automatic-Module-Name: //p')
    [ -n "$expected" ] && [ "$actual" = "$expected" ] \
        || fail "$module: Automatic-Module-Name '$actual' (expected: '$expected')"
    echo "check-consumer: $module: jar, sources, javadoc, LICENSE; module $actual"
done

python3 - "$LIBRARIES" <<'PY' || fail "bluegreen-bom does not match the parent POM (see above)"
import sys, xml.etree.ElementTree as ET
ns = {'m': 'http://maven.apache.org/POM/4.0.0'}
parent = ET.parse('pom.xml').getroot()
bom = ET.parse('bluegreen-bom/pom.xml').getroot()
def text(node):
    return None if node is None else ET.tostring(node, encoding='unicode').split('>', 1)[1].strip()
problems = []
for part in ['m:version', 'm:url', 'm:licenses', 'm:developers', 'm:scm']:
    if text(parent.find(part, ns)).split() != text(bom.find(part, ns)).split():
        problems.append(part[2:] + ' differs from the parent POM')
listed = {d.find('m:artifactId', ns).text for d in bom.findall('m:dependencyManagement/m:dependencies/m:dependency', ns)}
for module in sys.argv[1].split():
    if module not in listed:
        problems.append(module + ' is not in the BOM')
for problem in problems:
    print('check-consumer: bluegreen-bom: ' + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "check-consumer: bluegreen-bom lists every library module; its metadata matches the parent's"

WORK=$(mktemp -d /tmp/bluegreen-consumer.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/src/main/java/consumer"
cat > "$WORK/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>consumer</groupId>
  <artifactId>consumer</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>dev.bluegreen</groupId>
        <artifactId>bluegreen-bom</artifactId>
        <version>$VERSION</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>dev.bluegreen</groupId>
      <artifactId>bluegreen-proxy</artifactId>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.14.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>3.8.1</version>
      </plugin>
    </plugins>
  </build>
</project>
POM
cat > "$WORK/src/main/java/consumer/Main.java" <<'JAVA'
package consumer;

import com.sun.net.httpserver.HttpServer;
import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BlueGreenProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

public final class Main {
    public static void main(String[] args) throws Exception {
        HttpServer blue = server("v1");
        HttpServer green = server("v2");
        BlueGreen admin = BlueGreen.builder()
                .blue("v1", Backend.of("127.0.0.1", blue.getAddress().getPort()))
                .green("v2", Backend.of("127.0.0.1", green.getAddress().getPort()))
                .build();
        BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).build();
        proxy.start().get(10, TimeUnit.SECONDS);
        try {
            String before = get(proxy);
            admin.switchTo(Colour.GREEN);
            String after = get(proxy);
            if (!before.equals("v1") || !after.equals("v2")) {
                throw new AssertionError("expected v1 then v2, got " + before + " then " + after);
            }
            System.out.println("consumer: proxied to " + before + ", switched, proxied to " + after);
        } finally {
            proxy.stop().get(10, TimeUnit.SECONDS);
            admin.close();
            blue.stop(0);
            green.stop(0);
        }
    }

    private static HttpServer server(String body) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String get(BlueGreenProxy proxy) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/")).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
}
JAVA

echo "check-consumer: building a fresh project that imports bluegreen-bom and depends on bluegreen-proxy"
(cd "$WORK" && mvn -B -q -Dmaven.repo.local="$REPO" package dependency:build-classpath \
    -Dmdep.outputFile="$WORK/classpath.txt")
if grep -q "netty-tcnative" "$WORK/classpath.txt"; then
    fail "netty-tcnative reached the consumer's classpath (expected: optional in bluegreen-proxy)"
fi
java -cp "$WORK/target/classes:$(cat "$WORK/classpath.txt")" consumer.Main | tee "$WORK/out.txt"
grep -q "proxied to v1, switched, proxied to v2" "$WORK/out.txt" || fail "the consumer did not switch"

# A fleet's proxy: bluegreen-zookeeper beside bluegreen-proxy. What Curator and ZooKeeper bring is decided by
# bluegreen-zookeeper's own POM (the parent's dependencyManagement does not reach a consumer's transitive
# dependencies): the ZooKeeper the build tests, and no netty-tcnative.
echo "check-consumer: adding bluegreen-zookeeper to the fresh project"
python3 - "$WORK/pom.xml" <<'PY'
import sys
path = sys.argv[1]
head, tail = open(path).read().rsplit('</dependencies>', 1)   # the last one: the project's own dependencies
zookeeper = ('  <dependency>\n      <groupId>dev.bluegreen</groupId>\n'
             '      <artifactId>bluegreen-zookeeper</artifactId>\n    </dependency>\n  ')
open(path, 'w').write(head + zookeeper + '</dependencies>' + tail)
PY
grep -q "bluegreen-zookeeper" "$WORK/pom.xml" || fail "could not add bluegreen-zookeeper to the consumer's POM"
(cd "$WORK" && mvn -B -q -Dmaven.repo.local="$REPO" dependency:build-classpath -Dmdep.outputFile="$WORK/fleet.txt")
ZOOKEEPER=$(sed -n 's:.*<zookeeper.version>\(.*\)</zookeeper.version>.*:\1:p' pom.xml)
tr ':' '\n' < "$WORK/fleet.txt" | grep -q "/zookeeper-$ZOOKEEPER.jar$" \
    || fail "bluegreen-zookeeper: the consumer's ZooKeeper is not $ZOOKEEPER"
if grep -q "netty-tcnative" "$WORK/fleet.txt"; then
    fail "bluegreen-zookeeper: netty-tcnative reached the consumer's classpath (through ZooKeeper)"
fi
echo "check-consumer: bluegreen-zookeeper brings ZooKeeper $ZOOKEEPER, no netty-tcnative"
echo "check-consumer: OK"
