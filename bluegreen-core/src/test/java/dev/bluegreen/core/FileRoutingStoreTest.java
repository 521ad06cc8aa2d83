package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.BLUE_1;
import static dev.bluegreen.core.Fixtures.GREEN_1;
import static dev.bluegreen.core.Fixtures.GREEN_2;
import static dev.bluegreen.core.Fixtures.T0;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import dev.bluegreen.core.internal.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The state in one file: a restart is never a rollback, one process per file, a damaged file refused. */
class FileRoutingStoreTest {

    private final MutableClock clock = new MutableClock(T0);

    @TempDir
    Path directory;

    private BlueGreen open(Path file, String blueVersion) {
        return BlueGreen.builder()
                .blue(blueVersion, BLUE_1)
                .green("v2", GREEN_1)
                .clock(clock)
                .store(FileRoutingStore.at(file))
                .build();
    }

    @Test
    void newFile_startsFromTheBuildersPools_atGeneration0_andIsWritten() throws IOException {
        Path file = directory.resolve("state/routing.json");

        try (BlueGreen admin = open(file, "v1")) {
            assertThat(admin.snapshot().generation()).isZero();
            assertThat(admin.snapshot().blue().version()).isEqualTo("v1");
        }
        assertThat(Files.readString(file)).startsWith("{\"format\":1,\"snapshot\":{\"format\":1,\"generation\":0,");
    }

    @Test
    void restart_comesBackAtTheSameColourAndGeneration_andTheFilesPoolsWinOverTheBuilders() {
        Path file = directory.resolve("routing.json");
        try (BlueGreen admin = open(file, "v1")) {
            admin.as("alice", "release 2").switchTo(Colour.GREEN);
            admin.deploy(Colour.BLUE, "v3", List.of(BLUE_1));
        }

        try (BlueGreen restarted = open(file, "some other version")) {
            RoutingSnapshot snapshot = restarted.snapshot();
            assertThat(snapshot.generation()).isEqualTo(2);
            assertThat(snapshot.live()).isEqualTo(Colour.GREEN);
            assertThat(snapshot.blue().version()).isEqualTo("v3");
            assertThat(restarted.promote().generation()).isEqualTo(3);
        }
    }

    @Test
    void textsOfEmojiAtTheirLimits_surviveARestart_eachStoredAsFourBytes() throws IOException {
        // A limit counts characters (code points): 500 emoji are 1,000 chars, and the file must still take them.
        String emoji = "\uD83D\uDE00";
        String version = emoji.repeat(Environment.MAX_VERSION_LENGTH);
        String reason = emoji.repeat(RoutingSnapshot.MAX_REASON_LENGTH);
        String actor = emoji.repeat(RoutingSnapshot.MAX_ACTOR_LENGTH);
        Backend backend = new Backend("green-1.internal", 8080, emoji.repeat(Backend.MAX_ID_LENGTH), 1);
        Path file = directory.resolve("routing.json");
        try (BlueGreen admin = open(file, "v1")) {
            admin.as(actor, reason).deploy(Colour.GREEN, version, List.of(backend));
        }

        assertThat(Files.readString(file)).contains(reason);
        try (BlueGreen restarted = open(file, "v1")) {
            RoutingSnapshot snapshot = restarted.snapshot();
            assertThat(snapshot.reason()).isEqualTo(reason);
            assertThat(snapshot.actor()).isEqualTo(actor);
            assertThat(snapshot.green().version()).isEqualTo(version);
            assertThat(snapshot.green().backends()).containsExactly(backend);
        }
    }

    @Test
    void historyAndRefusals_surviveARestart() {
        Path file = directory.resolve("routing.json");
        try (BlueGreen admin = open(file, "v1")) {
            admin.as("alice", "release 2").switchTo(Colour.GREEN);
            assertThatThrownBy(() -> admin.as("bob", "again").switchTo(Colour.GREEN))
                    .isInstanceOf(ChangeRefusedException.class);
        }

        try (BlueGreen restarted = open(file, "v1")) {
            assertThat(restarted.history()).singleElement().satisfies(change -> {
                assertThat(change.generation()).isEqualTo(1);
                assertThat(change.actor()).isEqualTo("alice");
                assertThat(change.reason()).isEqualTo("release 2");
                assertThat(change.from()).isEqualTo(Colour.BLUE);
                assertThat(change.to()).isEqualTo(Colour.GREEN);
            });
            assertThat(restarted.refusals()).singleElement().satisfies(refused -> {
                assertThat(refused.actor()).isEqualTo("bob");
                assertThat(refused.refusal()).isEqualTo(Refusal.ALREADY_LIVE);
            });
        }
    }

    @Test
    void history_isBoundedByTheFactorysSize() {
        Path file = directory.resolve("routing.json");
        try (BlueGreen admin = BlueGreen.builder().blue("v1", BLUE_1).green("v2", GREEN_1)
                .store(FileRoutingStore.at(file).historySize(3)).build()) {
            for (int i = 0; i < 5; i++) {
                admin.switchTo(admin.snapshot().idle());
            }
            assertThat(admin.history()).extracting(Change::generation).containsExactly(3L, 4L, 5L);
        }
    }

    @Test
    void secondStore_onAnOpenFile_isRefused_andTheFileIsFreeAfterClose() {
        Path file = directory.resolve("routing.json");
        try (BlueGreen first = open(file, "v1")) {
            ChangeRefusedException refused = catchThrowableOfType(ChangeRefusedException.class,
                    () -> open(file, "v1"));

            assertThat(refused.refusal()).isEqualTo(Refusal.STORE_REJECTED);
            assertThat(refused).hasMessageContaining(file.toString()).hasMessageContaining("already open");
            assertThat(first.switchTo(Colour.GREEN).generation()).isEqualTo(1);
        }
        try (BlueGreen again = open(file, "v1")) {
            assertThat(again.snapshot().generation()).isEqualTo(1);
        }
    }

    @Test
    void damagedFile_isRefused_namingTheFile_whereAndWhat_andIsLeftAsItWas() throws IOException {
        Path file = directory.resolve("routing.json");
        try (BlueGreen admin = open(file, "v1")) {
            admin.switchTo(Colour.GREEN);
        }
        String good = Files.readString(file);
        String damaged = good.replace("\"port\":8080", "\"port\":80800");
        Files.writeString(file, damaged);

        assertThatThrownBy(() -> open(file, "v1"))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("the routing state file " + file + " is damaged or in an unknown format")
                .hasMessageContaining("snapshot.blue.backends[0].port: 80800 (expected: 1-65535)");
        assertThat(Files.readString(file)).isEqualTo(damaged);
    }

    @Test
    void truncatedFile_isRefused_withTheOffsetLineAndColumn() throws IOException {
        Path file = directory.resolve("routing.json");
        try (BlueGreen admin = open(file, "v1")) {
            admin.switchTo(Colour.GREEN);
        }
        String good = Files.readString(file);
        Files.writeString(file, good.substring(0, 40));

        assertThatThrownBy(() -> open(file, "v1"))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid JSON at offset 40 (line 1, column 41)");
    }

    @Test
    void fileOfALaterFormat_orEmpty_isRefused_sayingSo() throws IOException {
        Path later = directory.resolve("later.json");
        Files.writeString(later, "{\"format\":2,\"snapshot\":{}}");
        Path empty = directory.resolve("empty.json");
        Files.writeString(empty, "");

        assertThatThrownBy(() -> open(later, "v1"))
                .hasMessageContaining(later.toString())
                .hasMessageContaining("format: 2 (this version reads format 1; it was written by a later bluegreen)");
        assertThatThrownBy(() -> open(empty, "v1"))
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("empty (expected: a JSON object)");
    }

    @Test
    void fileOfALaterFormat_isNotCalledDamaged_andTheAdviceIsTheVersionThatWroteIt_notRemovingIt() throws IOException {
        Path later = directory.resolve("later.json");
        Files.writeString(later, "{\"format\":2,\"snapshot\":{}}");
        Path laterSnapshot = directory.resolve("later-snapshot.json");
        try (BlueGreen admin = open(laterSnapshot, "v1")) {
            admin.switchTo(Colour.GREEN);
        }
        Files.writeString(laterSnapshot, Files.readString(laterSnapshot).replace("\"history\":[{\"format\":1,",
                "\"history\":[{\"format\":9,"));

        assertThatThrownBy(() -> open(later, "v1"))
                .hasMessage("the routing state file " + later + " is in an unknown format: format: 2 (this version"
                        + " reads format 1; it was written by a later bluegreen) (nothing was changed; run the"
                        + " bluegreen that wrote it, or a later one, or restore a copy of the file this version wrote;"
                        + " removing it starts over from the configured pools at generation 0)");
        assertThatThrownBy(() -> open(laterSnapshot, "v1"))
                .hasMessageStartingWith("the routing state file " + laterSnapshot + " is in an unknown format:"
                        + " history[0].format: 9 (this version reads formats 1 to 3; it was written by a later"
                        + " bluegreen) (nothing was changed; run the bluegreen that wrote it");
    }

    @Test
    void startFresh_movesTheFileAside_andStartsFromTheBuildersPoolsAtGeneration0() throws IOException {
        Path file = directory.resolve("routing.json");
        Files.writeString(file, "not json at all");

        try (BlueGreen admin = BlueGreen.builder().blue("v9", BLUE_1).green("v2", GREEN_1)
                .store(FileRoutingStore.at(file).startFresh()).build()) {
            assertThat(admin.snapshot().generation()).isZero();
            assertThat(admin.snapshot().blue().version()).isEqualTo("v9");
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> aside = files.filter(p -> p.getFileName().toString().startsWith("routing.json.replaced-"))
                    .toList();
            assertThat(aside).singleElement().satisfies(p -> assertThat(Files.readString(p))
                    .isEqualTo("not json at all"));
        }
    }

    @Test
    void aChangeThatCantBeWritten_isRefused_andChangesNothing() throws IOException {
        Path file = directory.resolve("routing.json");
        try (BlueGreen admin = open(file, "v1")) {
            // The temporary file's name taken by a directory: the write fails before the rename.
            Files.createDirectory(DurableFiles.temporaryFor(file));

            ChangeRefusedException refused = Fixtures.assertRefusedAndUnchanged(admin, Refusal.STORE_REJECTED,
                    "could not write generation 1 to the routing state file " + file,
                    () -> admin.switchTo(Colour.GREEN));

            assertThat(refused).hasMessageContaining("the change is not applied");
            Files.delete(DurableFiles.temporaryFor(file));
            assertThat(admin.switchTo(Colour.GREEN).generation()).isEqualTo(1);
        }
        assertThat(Files.readString(file)).contains("\"generation\":1,");
    }

    @Test
    void aChange_keepsTheFilesPermissions_ratherThanTheUmasks() throws IOException {
        Path file = directory.resolve("routing.json");
        open(file, "v1").close();
        Set<PosixFilePermission> operators = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(file, operators);

        try (BlueGreen admin = open(file, "v1")) {
            admin.switchTo(Colour.GREEN);
        }
        assertThat(Files.readString(file)).contains("\"generation\":1,");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(operators);
    }

    @Test
    void concurrentWriters_eachGenerationWrittenOnce_andTheFileEndsAtTheLast() throws Exception {
        Path file = directory.resolve("routing.json");
        int writers = 4;
        int each = 10;
        try (BlueGreen admin = BlueGreen.builder().blue("v1", BLUE_1).green("v2", GREEN_1, GREEN_2)
                .store(FileRoutingStore.at(file)).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        admin.deploy(Colour.GREEN, "v" + i, List.of(GREEN_1));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(admin.snapshot().generation()).isEqualTo(writers * each);
            assertThat(admin.history()).extracting(Change::generation)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, writers * each).boxed()
                            .toList());
        }
        assertThat(new String(Files.readAllBytes(file), UTF_8)).contains("\"generation\":" + writers * each + ",");
    }

    @Test
    void fileBehindASymbolicLink_isReplacedThroughIt_andTheLinkStays() throws IOException {
        Path volume = Files.createDirectories(directory.resolve("volume"));
        Path real = volume.resolve("routing.json");
        Path link = Files.createDirectories(directory.resolve("etc")).resolve("routing.json");
        Files.createSymbolicLink(link, Path.of("../volume/routing.json"));

        try (BlueGreen admin = open(link, "v1")) {
            admin.switchTo(Colour.GREEN);
            admin.switchTo(Colour.BLUE);
        }

        assertThat(link).isSymbolicLink();
        assertThat(Files.readString(real)).contains("\"generation\":2,");
        try (Stream<Path> files = Files.list(link.getParent())) {
            assertThat(files).containsExactly(link);
        }
        try (BlueGreen restarted = open(real, "v1")) {
            assertThat(restarted.snapshot().generation()).isEqualTo(2);
            assertThat(restarted.snapshot().live()).isEqualTo(Colour.BLUE);
        }
    }

    @Test
    void secondStore_throughALinkToAnOpenFile_isRefused() throws IOException {
        Path file = directory.resolve("routing.json");
        Path link = directory.resolve("link.json");
        Files.createSymbolicLink(link, file.getFileName());
        try (BlueGreen first = open(file, "v1")) {
            assertThatThrownBy(() -> open(link, "v1"))
                    .isInstanceOf(ChangeRefusedException.class)
                    .hasMessageContaining("already open");
            assertThat(first.switchTo(Colour.GREEN).generation()).isEqualTo(1);
        }
    }

    @Test
    void lockFileRemovedWhileOpen_theNextChangeIsRefused_namingIt() throws IOException {
        Path file = directory.resolve("routing.json");
        try (BlueGreen admin = open(file, "v1")) {
            Files.delete(directory.resolve("routing.json.lock"));

            ChangeRefusedException refused = Fixtures.assertRefusedAndUnchanged(admin, Refusal.STORE_REJECTED,
                    "could not write generation 1 to the routing state file " + file,
                    () -> admin.switchTo(Colour.GREEN));

            assertThat(refused).hasMessageContaining("the lock file " + directory.resolve("routing.json.lock")
                    + " was removed while this process held it");
        }
        assertThat(Files.readString(file)).contains("\"generation\":0,");
    }

    @Test
    void pathThatNamesNoFile_isRefused_namingIt() {
        assertThatThrownBy(() -> FileRoutingStore.at(Path.of("/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("file: '/' (expected: the path of a file, such as /var/lib/shop/routing.json)");
        assertThatThrownBy(() -> FileRoutingStore.at(Path.of("")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("file: '' (expected: the path of a file");
    }

    @Test
    void aDirectoryCreatedForTheFile_isWarnedAbout_onceAndOnlyThen() {
        Logger logger = (Logger) LoggerFactory.getLogger(FileRoutingStore.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        Path file = directory.resolve("typo/state/routing.json");
        try {
            open(file, "v1").close();
            open(file, "v1").close();
        } finally {
            logger.detachAppender(lines);
        }

        assertThat(lines.list).filteredOn(line -> line.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("created the directory " + file.getParent() + " of the routing state file: no state"
                        + " was there, so it starts at generation 0 (if one was expected, check the path, and that its"
                        + " volume is mounted)");
    }

    @Test
    void aRelativePath_isTakenFromTheWorkingDirectory_andShownAbsolute() {
        Path relative = Path.of("state", "routing.json");

        FileRoutingStore.Factory factory = FileRoutingStore.at(relative);

        assertThat(factory.file()).isAbsolute().isEqualTo(Path.of("").toAbsolutePath().resolve(relative));
        assertThat(factory.historySize(5).file()).isEqualTo(factory.file());
        assertThat(factory.startFresh().file()).isEqualTo(factory.file());
    }

    @Test
    void pathOfADirectory_isRefused_namingIt_withoutALockFileBesideIt_evenToStartFresh() throws IOException {
        Path state = Files.createDirectory(directory.resolve("state"));
        Files.writeString(state.resolve("notes.txt"), "kept");

        for (FileRoutingStore.Factory factory : List.of(FileRoutingStore.at(state),
                FileRoutingStore.at(state).startFresh())) {
            assertThatThrownBy(() -> BlueGreen.builder().blue("v1", BLUE_1).green("v2", GREEN_1).store(factory).build())
                    .isInstanceOf(ChangeRefusedException.class)
                    .hasMessage("the routing state file " + state + " is a directory (expected: the path of a file in"
                            + " it, such as " + state.resolve("routing.json") + "); nothing was changed");
        }
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).containsExactly(state);
        }
        assertThat(Files.readString(state.resolve("notes.txt"))).isEqualTo("kept");
    }

    @Test
    void lastPossibleGeneration_isRefused_sinceNoChangeCouldFollowIt() throws IOException {
        Path file = directory.resolve("routing.json");
        open(file, "v1").close();
        Files.writeString(file, Files.readString(file).replace("\"generation\":0,",
                "\"generation\":" + Long.MAX_VALUE + ","));

        assertThatThrownBy(() -> open(file, "v1"))
                .isInstanceOf(ChangeRefusedException.class)
                .hasMessageContaining("snapshot.generation: 9223372036854775807 (expected: 0-9223372036854775806,"
                        + " so that a change can follow it)");
    }

    @Test
    void historySize_outOfRange_namesTheValue() {
        assertThatThrownBy(() -> FileRoutingStore.at(directory.resolve("x.json")).historySize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("historySize: 0 (expected: 1-100000)");
        assertThat(FileRoutingStore.at(directory.resolve("x.json"))).hasToString(
                "FileRoutingStore.Factory[" + directory.resolve("x.json") + "]");
    }

    @Test
    void closedStore_refusesChanges() {
        Path file = directory.resolve("routing.json");
        FileRoutingStore store = FileRoutingStore.at(file).open(RoutingSnapshot.initial(Colour.BLUE,
                Environment.of(Colour.BLUE, "v1", List.of(BLUE_1)), Environment.of(Colour.GREEN, "v2",
                        List.of(GREEN_1)), T0));
        RoutingSnapshot current = store.current();
        store.close();

        assertThatThrownBy(() -> store.compareAndSet(current, new RoutingSnapshot(1, Colour.GREEN, current.blue(),
                current.green(), Colour.BLUE, ChangeKind.SWITCH, T0, "x", "app")))
                .isInstanceOf(ChangeRefusedException.class).hasMessage("the routing store is closed");
        assertThat(store.current()).isSameAs(current);
    }
}
