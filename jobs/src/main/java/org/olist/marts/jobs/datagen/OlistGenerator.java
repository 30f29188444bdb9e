package org.olist.marts.jobs.datagen;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.olist.marts.jobs.datagen.Distributions.State;

/**
 * The synthetic Olist world (SPEC §9). Every row is a pure function of (seed, kind, index), so any slice can
 * be generated on any executor and the same seed always gives the same files. Each order carries its whole
 * life (status events with their times); {@code asOf} shows the world as it was at that moment: orders
 * purchased by then, timestamps not yet reached blanked, and the status the order had then.
 */
public final class OlistGenerator implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final long REAL_ORDERS = 99_441;
  public static final long REAL_PRODUCTS = 32_951;
  public static final long REAL_SELLERS = 3_095;
  public static final long REAL_GEO_ROWS = 100_000;
  static final LocalDateTime FIRST_PURCHASE = LocalDateTime.of(2016, 9, 4, 21, 15, 19);
  static final LocalDateTime LAST_PURCHASE = LocalDateTime.of(2018, 10, 17, 17, 30, 18);

  private final long seed;
  private final long orders;
  private final long products;
  private final long sellers;
  private final long geoRows;
  private final LocalDateTime asOf;

  public OlistGenerator(double scale, long seed, LocalDate asOfDate) {
    this.seed = seed;
    this.orders = Math.max(50, Math.round(REAL_ORDERS * scale));
    this.products = Math.max(40, Math.round(REAL_PRODUCTS * scale));
    this.sellers = Math.max(25, Math.round(REAL_SELLERS * scale));
    this.geoRows = Math.max(100, Math.round(REAL_GEO_ROWS * scale));
    this.asOf = asOfDate == null ? null : asOfDate.atTime(23, 59, 59);
  }

  public long orders() {
    return orders;
  }

  public long products() {
    return products;
  }

  public long sellers() {
    return sellers;
  }

  public long geoRows() {
    return geoRows;
  }

  // ---------------------------------------------------------------- randomness and ids

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private SplittableRandom random(String kind, long index) {
    return new SplittableRandom(mix64(seed * 0x9E3779B97F4A7C15L + kind.hashCode() * 0x632BE59BD9B4E019L + index));
  }

  /** A 32-hex-digit identifier like Olist's md5 ids. */
  String id(String kind, long index) {
    long a = mix64(seed ^ mix64(kind.hashCode() + 31L * index));
    long b = mix64(a + index + 0x5851F42D4C957F2DL);
    return String.format("%016x%016x", a, b);
  }

  private static LocalDateTime plusMinutes(LocalDateTime t, SplittableRandom r, int from, int to) {
    return t.plusMinutes(from + r.nextInt(Math.max(1, to - from))).plusSeconds(r.nextInt(60));
  }

  // ---------------------------------------------------------------- orders

  record Event(LocalDateTime at, String status) implements Serializable {
  }

  record Item(int number, long product, long seller, LocalDateTime shippingLimit, long priceCents,
              long freightCents) implements Serializable {
  }

  /** An order's whole life; columns are masked to a moment by {@link #at}. */
  record Order(long index, String orderId, String customerId, String personId, State state, String city,
               String zip, LocalDateTime purchase, LocalDateTime approved, LocalDateTime carrier,
               LocalDateTime delivered, LocalDateTime estimated, List<Event> events, List<Item> items)
      implements Serializable {

    String statusAt(LocalDateTime moment) {
      String status = events.get(0).status();
      for (Event e : events) {
        if (moment == null || !e.at().isAfter(moment)) {
          status = e.status();
        }
      }
      return status;
    }

    static LocalDateTime at(LocalDateTime t, LocalDateTime moment) {
      return t == null || moment != null && t.isAfter(moment) ? null : t;
    }
  }

  Order order(long index) {
    SplittableRandom r = random("order", index);
    long span = ChronoUnit.SECONDS.between(FIRST_PURCHASE, LAST_PURCHASE);
    LocalDateTime purchase = FIRST_PURCHASE.plusSeconds((long) (span * Math.sqrt(r.nextDouble())));
    String finalStatus = Distributions.pick(Distributions.STATUSES, r);
    List<Event> events = new ArrayList<>();
    events.add(new Event(purchase, "created"));
    LocalDateTime approved = null;
    LocalDateTime carrier = null;
    LocalDateTime delivered = null;
    LocalDateTime estimated = purchase.toLocalDate().plusDays(10 + r.nextInt(36)).atStartOfDay();
    boolean approves = !finalStatus.equals("created") && !(finalStatus.equals("canceled") && r.nextDouble() < 0.3);
    if (approves) {
      approved = plusMinutes(purchase, r, 8, 2 * 24 * 60);
      events.add(new Event(approved, "approved"));
    }
    switch (finalStatus) {
      case "delivered", "shipped" -> {
        carrier = plusMinutes(approved, r, 12 * 60, 7 * 24 * 60);
        events.add(new Event(carrier, "shipped"));
        if (finalStatus.equals("delivered")) {
          LocalDateTime arrival = plusMinutes(carrier, r, 20 * 60, 25 * 24 * 60);
          events.add(new Event(arrival, "delivered"));
          double anomaly = r.nextDouble();
          if (anomaly < 0.0002) {
            delivered = null; // delivered without a delivery date (Ghost Delivery)
          } else if (anomaly < 0.0006) {
            delivered = carrier.minusHours(2 + r.nextInt(70)); // arrival before shipping
          } else if (anomaly < 0.0008) {
            carrier = null; // no carrier date, arrival before approval
            delivered = approved.minusHours(1 + r.nextInt(20));
          } else {
            delivered = arrival;
          }
        }
      }
      case "invoiced", "processing" -> events.add(new Event(plusMinutes(approved, r, 60, 48 * 60), finalStatus));
      case "unavailable" -> events.add(new Event(plusMinutes(approved, r, 24 * 60, 10 * 24 * 60), "unavailable"));
      case "canceled" -> {
        LocalDateTime last = approved == null ? purchase : approved;
        if (approved != null && r.nextDouble() < 0.15) {
          carrier = plusMinutes(approved, r, 12 * 60, 5 * 24 * 60);
          events.add(new Event(carrier, "shipped"));
          last = carrier;
        }
        events.add(new Event(plusMinutes(last, r, 60, 15 * 24 * 60), "canceled"));
      }
      default -> {
        // created and approved end where they are
      }
    }
    String personId = id("person", index);
    if (index > 0 && r.nextDouble() < 0.031) {
      personId = id("person", r.nextLong(index));
    }
    State state = Distributions.state(Distributions.pick(Distributions.CUSTOMER_STATES, r));
    String city = state.cities().get(r.nextInt(state.cities().size()));
    String zip = String.format("%05d", state.zipFrom() + r.nextInt(state.zipTo() - state.zipFrom() + 1));
    return new Order(index, id("order", index), id("customer", index), personId, state, city, zip, purchase,
        approved, carrier, delivered, estimated, events, items(r, finalStatus, approved == null ? purchase : approved));
  }

  private List<Item> items(SplittableRandom r, String finalStatus, LocalDateTime readyAt) {
    double none = switch (finalStatus) {
      case "unavailable" -> 0.97;
      case "canceled" -> 0.15;
      case "created" -> 0.2;
      default -> 0.0005;
    };
    if (r.nextDouble() < none) {
      return List.of();
    }
    double k = r.nextDouble();
    int count = k < 0.89 ? 1 : k < 0.97 ? 2 : k < 0.99 ? 3 : 4 + r.nextInt(3);
    List<Item> out = new ArrayList<>();
    long product = skewed(r, products);
    for (int n = 1; n <= count; n++) {
      if (n > 1 && r.nextDouble() > 0.7) {
        product = skewed(r, products);
      }
      long seller = r.nextDouble() < 0.85 ? Math.floorMod(mix64(seed + product), sellers) : skewed(r, sellers);
      long price = r.nextDouble() < 0.0001 ? 0
          : Math.min(680_000, Math.max(85, Math.round(Math.exp(4.4 + 0.9 * r.nextGaussian()) * 100)));
      long freight = r.nextDouble() < 0.003 ? 0
          : Math.min(40_000, Math.max(0, Math.round(Math.exp(2.8 + 0.6 * r.nextGaussian()) * 100)));
      out.add(new Item(n, product, seller, plusMinutes(readyAt, r, 3 * 24 * 60, 8 * 24 * 60), price, freight));
    }
    return out;
  }

  private static long skewed(SplittableRandom r, long n) {
    double u = r.nextDouble();
    return Math.min(n - 1, (long) (n * u * u));
  }

  /** The order as it was at the generator's as-of moment; null when it was not purchased yet. */
  Order visible(long index) {
    Order o = order(index);
    return asOf != null && o.purchase().isAfter(asOf) ? null : o;
  }

  // ---------------------------------------------------------------- file lines

  public static final List<String> ORDERS_HEADER = List.of("order_id", "customer_id", "order_status",
      "order_purchase_timestamp", "order_approved_at", "order_delivered_carrier_date",
      "order_delivered_customer_date", "order_estimated_delivery_date");
  public static final List<String> ITEMS_HEADER = List.of("order_id", "order_item_id", "product_id", "seller_id",
      "shipping_limit_date", "price", "freight_value");
  public static final List<String> CUSTOMERS_HEADER = List.of("customer_id", "customer_unique_id",
      "customer_zip_code_prefix", "customer_city", "customer_state");
  public static final List<String> PAYMENTS_HEADER = List.of("order_id", "payment_sequential", "payment_type",
      "payment_installments", "payment_value");
  public static final List<String> REVIEWS_HEADER = List.of("review_id", "order_id", "review_score",
      "review_comment_title", "review_comment_message", "review_creation_date", "review_answer_timestamp");
  public static final List<String> PRODUCTS_HEADER = List.of("product_id", "product_category_name",
      "product_name_lenght", "product_description_lenght", "product_photos_qty", "product_weight_g",
      "product_length_cm", "product_height_cm", "product_width_cm");
  public static final List<String> SELLERS_HEADER = List.of("seller_id", "seller_zip_code_prefix", "seller_city",
      "seller_state");
  public static final List<String> GEO_HEADER = List.of("geolocation_zip_code_prefix", "geolocation_lat",
      "geolocation_lng", "geolocation_city", "geolocation_state");

  List<String> orderLines(long index) {
    Order o = visible(index);
    if (o == null) {
      return List.of();
    }
    return List.of(CsvFormat.row(CsvFormat.str(o.orderId()), CsvFormat.str(o.customerId()),
        CsvFormat.str(o.statusAt(asOf)), CsvFormat.ts(o.purchase()), CsvFormat.ts(Order.at(o.approved(), asOf)),
        CsvFormat.ts(Order.at(o.carrier(), asOf)), CsvFormat.ts(Order.at(o.delivered(), asOf)),
        CsvFormat.ts(o.estimated())));
  }

  List<String> itemLines(long index) {
    Order o = visible(index);
    if (o == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Item i : o.items()) {
      out.add(CsvFormat.row(CsvFormat.str(o.orderId()), Integer.toString(i.number()),
          CsvFormat.str(id("product", i.product())), CsvFormat.str(id("seller", i.seller())),
          CsvFormat.ts(i.shippingLimit()), CsvFormat.money(i.priceCents()), CsvFormat.money(i.freightCents())));
    }
    return out;
  }

  List<String> customerLines(long index) {
    Order o = visible(index);
    if (o == null) {
      return List.of();
    }
    return List.of(CsvFormat.row(CsvFormat.str(o.customerId()), CsvFormat.str(o.personId()), CsvFormat.str(o.zip()),
        CsvFormat.str(o.city()), CsvFormat.str(o.state().code())));
  }

  List<String> paymentLines(long index) {
    Order o = visible(index);
    if (o == null) {
      return List.of();
    }
    SplittableRandom r = random("payment", index);
    long total = o.items().stream().mapToLong(i -> i.priceCents() + i.freightCents()).sum();
    if (total == 0) {
      total = 2000 + r.nextInt(20000);
    }
    int parts = r.nextDouble() < 0.04 ? 2 + r.nextInt(2) : 1;
    List<String> out = new ArrayList<>();
    long left = total;
    for (int p = 1; p <= parts; p++) {
      long value = p == parts ? left : Math.max(0, left / (parts - p + 1) - r.nextInt(500));
      left -= value;
      String type = parts > 1 && p < parts ? "voucher" : Distributions.pick(Distributions.PAYMENT_TYPES, r);
      int installments = type.equals("credit_card") ? 1 + r.nextInt(10) : 1;
      out.add(CsvFormat.row(CsvFormat.str(o.orderId()), Integer.toString(p), CsvFormat.str(type),
          Integer.toString(installments), CsvFormat.money(value)));
    }
    return out;
  }

  List<String> reviewLines(long index) {
    Order o = visible(index);
    SplittableRandom r = random("review", index);
    if (o == null || r.nextDouble() < 0.01) {
      return List.of();
    }
    LocalDateTime basis = o.delivered() != null ? o.delivered() : o.estimated();
    LocalDateTime created = basis.toLocalDate().plusDays(1).atStartOfDay();
    if (asOf != null && created.isAfter(asOf)) {
      return List.of();
    }
    LocalDateTime answered = plusMinutes(created, r, 60, 4 * 24 * 60);
    String title = r.nextDouble() < 0.12
        ? Distributions.REVIEW_TITLES.get(r.nextInt(Distributions.REVIEW_TITLES.size())) : null;
    String message = r.nextDouble() < 0.42
        ? Distributions.REVIEW_MESSAGES.get(r.nextInt(Distributions.REVIEW_MESSAGES.size())) : null;
    int score = Distributions.pick(Distributions.REVIEW_SCORES, r);
    return List.of(CsvFormat.row(CsvFormat.str(id("review", index)), CsvFormat.str(o.orderId()),
        Integer.toString(score), CsvFormat.str(title), CsvFormat.str(message), CsvFormat.ts(created),
        CsvFormat.ts(answered)));
  }

  List<String> productLines(long index) {
    SplittableRandom r = random("product", index);
    String[] category = Distributions.CATEGORIES.get((int) skewed(r, Distributions.CATEGORIES.size()));
    boolean noCategory = r.nextDouble() < 0.0185;
    boolean noDimensions = r.nextDouble() < 0.0001;
    int weight = r.nextDouble() < 0.0002 ? 0 : 50 + (int) Math.round(Math.exp(6.5 + 1.1 * r.nextGaussian()));
    return List.of(CsvFormat.row(CsvFormat.str(id("product", index)),
        noCategory ? "" : CsvFormat.str(category[0]),
        noCategory ? "" : Integer.toString(5 + r.nextInt(72)),
        noCategory ? "" : Integer.toString(4 + r.nextInt(3900)),
        noCategory ? "" : Integer.toString(1 + r.nextInt(6)),
        noDimensions ? "" : Integer.toString(Math.min(40_425, weight)),
        noDimensions ? "" : Integer.toString(7 + r.nextInt(98)),
        noDimensions ? "" : Integer.toString(2 + r.nextInt(100)),
        noDimensions ? "" : Integer.toString(6 + r.nextInt(100))));
  }

  List<String> sellerLines(long index) {
    SplittableRandom r = random("seller", index);
    State state = Distributions.state(Distributions.pick(Distributions.SELLER_STATES, r));
    String city = state.cities().get(r.nextInt(state.cities().size()));
    String zip = String.format("%05d", state.zipFrom() + r.nextInt(state.zipTo() - state.zipFrom() + 1));
    return List.of(CsvFormat.row(CsvFormat.str(id("seller", index)), CsvFormat.str(zip), CsvFormat.str(city),
        CsvFormat.str(state.code())));
  }

  List<String> geolocationLines(long index) {
    SplittableRandom dup = random("geo-dup", index);
    long source = index > 0 && dup.nextDouble() < 0.25 ? index - 1 : index;
    SplittableRandom r = random("geo", source);
    State state = Distributions.state(Distributions.pick(Distributions.CUSTOMER_STATES, r));
    String zip = String.format("%05d", state.zipFrom() + r.nextInt(state.zipTo() - state.zipFrom() + 1));
    double lat = state.lat() + (r.nextDouble() - 0.5) * 2;
    double lng = state.lng() + (r.nextDouble() - 0.5) * 2;
    String city = state.cities().get(r.nextInt(state.cities().size()));
    return List.of(CsvFormat.row(CsvFormat.str(zip), Double.toString(lat), Double.toString(lng), CsvFormat.str(city),
        CsvFormat.str(state.code())));
  }

  /** The translation file body: BOM, unquoted header, CRLF line endings, no final newline (as the real file). */
  static String translationFile() {
    StringBuilder b = new StringBuilder("\uFEFFproduct_category_name,product_category_name_english");
    for (String[] c : Distributions.CATEGORIES) {
      if (c[1] != null) {
        b.append("\r\n").append(c[0]).append(',').append(c[1]);
      }
    }
    return b.toString();
  }
}
