package org.olist.marts.jobs.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.olist.marts.common.OlistException;
import org.olist.marts.jobs.staging.RecordScan.RecordLine;

/** Counting a file's records without the CSV parser, and explaining a parser that read fewer (SPEC §10). */
class ParserLossTest {
  private static final Pattern START = Pattern.compile("^\"?[0-9a-f]{4}\"?,");

  private static List<RecordLine> scan(String text, Optional<Pattern> start) throws IOException {
    List<RecordLine> out = new ArrayList<>();
    RecordScan.scan(new BufferedReader(new StringReader(text)), start, out::add);
    return out;
  }

  @Test
  void recordsAreNonBlankLinesOrLinesOfTheRecordStartShape() throws IOException {
    String single = "id,name\r\naaaa,x\r\n\r\n   \r\nbbbb,y\r\n";
    assertEquals(List.of(2L, 5L), scan(single, Optional.empty()).stream().map(RecordLine::number).toList());
    String multi = "id,text\naaaa,\"two\nlines\"\n\"bbbb\",one\ncccc,\"x\n\ny\"\n";
    assertEquals(List.of(2L, 4L, 5L), scan(multi, Optional.of(START)).stream().map(RecordLine::number).toList());
  }

  @Test
  void aRecordSwallowedByAStrayQuoteIsNamedWithItsSwallower() throws IOException {
    // the parser read aaaa's "unclosed quote through bbbb and cccc, then dddd
    List<RecordLine> lines = scan("id,text\naaaa,\"unclosed\nbbbb,b\ncccc,c\ndddd,\"d\"\n", Optional.of(START));
    ParserLoss loss = ParserLoss.explain("f.csv", lines, List.of(0), List.of(List.of("aaaa"), List.of("dddd")));
    assertEquals(List.of(3L, 4L), loss.lost().stream().map(l -> l.line().number()).toList());
    assertEquals(List.of(2L), loss.swallowers().keySet().stream().map(RecordLine::number).toList());
    assertEquals(List.of(3L, 4L), loss.swallowers().values().iterator().next());
  }

  @Test
  void repeatedKeysAreMatchedAsAMultiset() throws IOException {
    List<RecordLine> lines = scan("id,text\naaaa,\"x\naaaa,y\nbbbb,z\n", Optional.of(START));
    ParserLoss loss = ParserLoss.explain("f.csv", lines, List.of(0), List.of(List.of("aaaa"), List.of("bbbb")));
    assertEquals(List.of(3L), loss.lost().stream().map(l -> l.line().number()).toList());
  }

  @Test
  void aParserRecordThatIsNoRecordOfTheFileFails() throws IOException {
    List<RecordLine> lines = scan("id,text\naaaa,x\n", Optional.of(START));
    OlistException e = assertThrows(OlistException.class, () -> ParserLoss.explain("f.csv", lines, List.of(0),
        List.of(List.of("aaaa"), List.of("zzzz"))));
    assertTrue(e.getMessage().contains("the file holds 1 records but the CSV parser read 2, of which 1 match no "
        + "record line of the file (keys zzzz)"), e.getMessage());
  }
}
