package org.olist.marts.jobs.testing;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An independent reference implementation of the SPEC §3 figures, in plain Java over the CSV files (no
 * Spark, no project code), so the marts can be checked against something that was not derived from them.
 */
public final class OlistReference {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  public long factRows;
  public BigDecimal price = BigDecimal.ZERO;
  public BigDecimal freight = BigDecimal.ZERO;
  public final Map<String, BigDecimal> pricePerStatus = new TreeMap<>();
  public final Map<String, BigDecimal> freightPerStatus = new TreeMap<>();
  public final Map<String, Long> reasons = new TreeMap<>();
  public long delayed;
  public long laterOrders;
  public long distinctPersons;
  public long persons;
  public long repeatBuyers;
  /** order_id → its sequence number among the person's purchases, for every purchase of a known person. */
  public final Map<String, Integer> sequence = new HashMap<>();
  public long purchases;
  public long personsWithoutPurchases;
  public long products;
  public long unknownCategories;
  public long nullVolumes;
  public long sellers;

  private static LocalDateTime ts(String v) {
    return v == null ? null : LocalDateTime.parse(v.trim(), TS);
  }

  private record Order(String id, String customer, String status, LocalDateTime purchase, LocalDateTime approved,
                       LocalDateTime carrier, LocalDateTime delivered, LocalDateTime estimated) {
  }

  public static OlistReference compute(Path dir) throws IOException {
    OlistReference ref = new OlistReference();
    Map<String, String> person = new HashMap<>();
    for (Map<String, String> c : Csv.read(dir.resolve("olist_customers_dataset.csv"))) {
      person.put(c.get("customer_id"), c.get("customer_unique_id"));
    }
    Map<String, Order> orders = new HashMap<>();
    for (Map<String, String> o : Csv.read(dir.resolve("olist_orders_dataset.csv"))) {
      orders.put(o.get("order_id"), new Order(o.get("order_id"), o.get("customer_id"),
          o.get("order_status").trim().toLowerCase(), ts(o.get("order_purchase_timestamp")),
          ts(o.get("order_approved_at")), ts(o.get("order_delivered_carrier_date")),
          ts(o.get("order_delivered_customer_date")), ts(o.get("order_estimated_delivery_date"))));
    }
    List<Map<String, String>> items = Csv.read(dir.resolve("olist_order_items_dataset.csv"));
    Set<String> ordersWithLines = new HashSet<>();
    for (Map<String, String> i : items) {
      ordersWithLines.add(i.get("order_id"));
    }
    // a person's purchases: orders with a purchase time and at least one line (SPEC §3)
    Map<String, List<Order>> byPerson = new HashMap<>();
    for (Order o : orders.values()) {
      String p = person.get(o.customer());
      if (p != null && o.purchase() != null && ordersWithLines.contains(o.id())) {
        byPerson.computeIfAbsent(p, k -> new ArrayList<>()).add(o);
      }
    }
    for (List<Order> list : byPerson.values()) {
      list.sort(Comparator.comparing(Order::purchase).thenComparing(Order::id));
      for (int i = 0; i < list.size(); i++) {
        ref.sequence.put(list.get(i).id(), i + 1);
      }
      ref.purchases += list.size();
    }
    Set<String> allPersons = new HashSet<>(person.values());
    ref.persons = allPersons.size();
    ref.repeatBuyers = byPerson.values().stream().filter(l -> l.size() > 1).count();
    ref.personsWithoutPurchases = allPersons.stream().filter(p -> !byPerson.containsKey(p)).count();

    Set<String> productIds = new HashSet<>();
    for (Map<String, String> p : Csv.read(dir.resolve("olist_products_dataset.csv"))) {
      productIds.add(p.get("product_id"));
      if (p.get("product_category_name") == null) {
        ref.unknownCategories++;
      }
      if (p.get("product_length_cm") == null || p.get("product_height_cm") == null
          || p.get("product_width_cm") == null) {
        ref.nullVolumes++;
      }
    }
    ref.products = productIds.size();
    Set<String> sellerIds = new HashSet<>();
    for (Map<String, String> s : Csv.read(dir.resolve("olist_sellers_dataset.csv"))) {
      sellerIds.add(s.get("seller_id"));
    }
    ref.sellers = sellerIds.size();

    Set<String> factPersons = new HashSet<>();
    for (Map<String, String> i : items) {
      Order o = orders.get(i.get("order_id"));
      if (o == null || o.purchase() == null) {
        continue;
      }
      BigDecimal p = new BigDecimal(i.get("price"));
      BigDecimal f = new BigDecimal(i.get("freight_value"));
      ref.factRows++;
      ref.price = ref.price.add(p);
      ref.freight = ref.freight.add(f);
      ref.pricePerStatus.merge(o.status(), p, BigDecimal::add);
      ref.freightPerStatus.merge(o.status(), f, BigDecimal::add);
      String reason = null;
      if (p.signum() <= 0) {
        reason = "Zero Price";
      } else if (o.status().equals("delivered") && o.delivered() == null) {
        reason = "Ghost Delivery";
      } else if (o.delivered() != null && o.carrier() != null && o.delivered().isBefore(o.carrier())) {
        reason = "Arrival Before Shipping";
      } else if (o.delivered() != null && o.approved() != null && o.delivered().isBefore(o.approved())) {
        reason = "Arrival Before Approval";
      } else if (!productIds.contains(i.get("product_id"))) {
        reason = "Unknown Product";
      } else if (!sellerIds.contains(i.get("seller_id"))) {
        reason = "Unknown Seller";
      }
      ref.reasons.merge(reason == null ? "(verified)" : reason, 1L, Long::sum);
      if (o.delivered() != null && o.estimated() != null
          && o.delivered().toLocalDate().isAfter(o.estimated().toLocalDate())) {
        ref.delayed++;
      }
      Integer seq = ref.sequence.get(o.id());
      if (seq != null && seq > 1) {
        ref.laterOrders++;
      }
      String p1 = person.get(o.customer());
      if (p1 != null) {
        factPersons.add(p1);
      }
    }
    ref.distinctPersons = factPersons.size();
    return ref;
  }
}
