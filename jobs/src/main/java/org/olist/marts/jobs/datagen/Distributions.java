package org.olist.marts.jobs.datagen;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Shapes of the real Olist data the generator follows (SPEC §9): state weights of customers (all 27) and
 * sellers (23), status mix, categories (two without translation), cities per state, zip ranges.
 */
final class Distributions {
  private Distributions() {
  }

  record Weighted<T>(T value, double weight) {
  }

  static <T> T pick(List<Weighted<T>> options, SplittableRandom r) {
    double total = 0;
    for (Weighted<T> o : options) {
      total += o.weight();
    }
    double x = r.nextDouble() * total;
    for (Weighted<T> o : options) {
      x -= o.weight();
      if (x < 0) {
        return o.value();
      }
    }
    return options.get(options.size() - 1).value();
  }

  record State(String code, int zipFrom, int zipTo, List<String> cities, double lat, double lng) {
  }

  static final List<State> STATES = List.of(
      new State("SP", 1000, 19999, List.of("sao paulo", "campinas", "guarulhos", "santo andre", "sao bernardo do campo", "ribeirao preto", "sorocaba", "sao jose dos campos"), -23.5, -46.6),
      new State("RJ", 20000, 28999, List.of("rio de janeiro", "niteroi", "nova iguacu", "duque de caxias", "petropolis"), -22.9, -43.2),
      new State("ES", 29000, 29999, List.of("vitoria", "vila velha", "serra"), -20.3, -40.3),
      new State("MG", 30000, 39999, List.of("belo horizonte", "uberlandia", "contagem", "juiz de fora", "betim"), -19.9, -43.9),
      new State("BA", 40000, 48999, List.of("salvador", "feira de santana", "vitoria da conquista"), -12.9, -38.5),
      new State("SE", 49000, 49999, List.of("aracaju", "lagarto"), -10.9, -37.1),
      new State("PE", 50000, 56999, List.of("recife", "jaboatao dos guararapes", "olinda"), -8.0, -34.9),
      new State("AL", 57000, 57999, List.of("maceio", "arapiraca"), -9.6, -35.7),
      new State("PB", 58000, 58999, List.of("joao pessoa", "campina grande"), -7.1, -34.9),
      new State("RN", 59000, 59999, List.of("natal", "mossoro"), -5.8, -35.2),
      new State("CE", 60000, 63999, List.of("fortaleza", "juazeiro do norte", "sobral"), -3.7, -38.5),
      new State("PI", 64000, 64999, List.of("teresina", "parnaiba"), -5.1, -42.8),
      new State("MA", 65000, 65999, List.of("sao luis", "imperatriz"), -2.5, -44.3),
      new State("PA", 66000, 68899, List.of("belem", "ananindeua", "santarem"), -1.5, -48.5),
      new State("AP", 68900, 68999, List.of("macapa", "santana"), 0.0, -51.1),
      new State("AM", 69000, 69299, List.of("manaus", "parintins"), -3.1, -60.0),
      new State("RR", 69300, 69399, List.of("boa vista"), 2.8, -60.7),
      new State("AC", 69900, 69999, List.of("rio branco", "cruzeiro do sul"), -10.0, -67.8),
      new State("DF", 70000, 73699, List.of("brasilia", "taguatinga", "ceilandia"), -15.8, -47.9),
      new State("GO", 73700, 76799, List.of("goiania", "anapolis", "aparecida de goiania"), -16.7, -49.3),
      new State("TO", 77000, 77999, List.of("palmas", "araguaina"), -10.2, -48.3),
      new State("MT", 78000, 78899, List.of("cuiaba", "varzea grande", "rondonopolis"), -15.6, -56.1),
      new State("RO", 76800, 76999, List.of("porto velho", "ji-parana"), -8.8, -63.9),
      new State("MS", 79000, 79999, List.of("campo grande", "dourados"), -20.4, -54.6),
      new State("PR", 80000, 87999, List.of("curitiba", "londrina", "maringa", "ponta grossa"), -25.4, -49.3),
      new State("SC", 88000, 89999, List.of("florianopolis", "joinville", "blumenau"), -27.6, -48.5),
      new State("RS", 90000, 99999, List.of("porto alegre", "caxias do sul", "pelotas", "canoas"), -30.0, -51.2));

  static State state(String code) {
    return STATES.stream().filter(s -> s.code().equals(code)).findFirst().orElseThrow();
  }

  /** Customer share per state (all 27), after the real dataset. */
  static final List<Weighted<String>> CUSTOMER_STATES = List.of(
      w("SP", 41.9), w("RJ", 12.9), w("MG", 11.7), w("RS", 5.5), w("PR", 5.1), w("SC", 3.7), w("BA", 3.4),
      w("DF", 2.2), w("ES", 2.0), w("GO", 2.0), w("PE", 1.7), w("CE", 1.3), w("PA", 1.0), w("MT", 0.9),
      w("MA", 0.75), w("MS", 0.7), w("PB", 0.54), w("PI", 0.5), w("RN", 0.49), w("AL", 0.41), w("SE", 0.35),
      w("TO", 0.28), w("RO", 0.25), w("AM", 0.15), w("AC", 0.08), w("AP", 0.07), w("RR", 0.05));

  /** Seller share per state (23 states, no AL, AP, RR, TO), after the real dataset. */
  static final List<Weighted<String>> SELLER_STATES = List.of(
      w("SP", 59.7), w("PR", 11.3), w("MG", 7.9), w("SC", 6.1), w("RJ", 5.4), w("RS", 4.2), w("GO", 1.3),
      w("DF", 1.0), w("ES", 0.74), w("BA", 0.61), w("CE", 0.42), w("PE", 0.29), w("PB", 0.2), w("MS", 0.16),
      w("RN", 0.16), w("MT", 0.13), w("RO", 0.1), w("SE", 0.07), w("PI", 0.05), w("AM", 0.05), w("MA", 0.05),
      w("PA", 0.03), w("AC", 0.03));

  /** Final order status mix of the real dataset (8 statuses). */
  static final List<Weighted<String>> STATUSES = List.of(
      w("delivered", 97.02), w("shipped", 1.11), w("canceled", 0.63), w("unavailable", 0.61),
      w("invoiced", 0.32), w("processing", 0.30), w("created", 0.005), w("approved", 0.002));

  static final List<Weighted<String>> PAYMENT_TYPES = List.of(
      w("credit_card", 73.9), w("boleto", 19.0), w("voucher", 5.6), w("debit_card", 1.5));

  static final List<Weighted<Integer>> REVIEW_SCORES = List.of(
      w(5, 57.8), w(4, 19.3), w(3, 8.2), w(2, 3.2), w(1, 11.5));

  /** Portuguese category and English translation; null translation = absent from the translation file. */
  static final List<String[]> CATEGORIES = List.of(
      new String[] {"cama_mesa_banho", "bed_bath_table"}, new String[] {"beleza_saude", "health_beauty"},
      new String[] {"esporte_lazer", "sports_leisure"}, new String[] {"moveis_decoracao", "furniture_decor"},
      new String[] {"informatica_acessorios", "computers_accessories"},
      new String[] {"utilidades_domesticas", "housewares"}, new String[] {"relogios_presentes", "watches_gifts"},
      new String[] {"telefonia", "telephony"}, new String[] {"ferramentas_jardim", "garden_tools"},
      new String[] {"automotivo", "auto"}, new String[] {"brinquedos", "toys"},
      new String[] {"cool_stuff", "cool_stuff"}, new String[] {"perfumaria", "perfumery"},
      new String[] {"bebes", "baby"}, new String[] {"eletronicos", "electronics"},
      new String[] {"papelaria", "stationery"}, new String[] {"fashion_bolsas_e_acessorios", "fashion_bags_accessories"},
      new String[] {"pet_shop", "pet_shop"}, new String[] {"moveis_escritorio", "office_furniture"},
      new String[] {"consoles_games", "consoles_games"}, new String[] {"malas_acessorios", "luggage_accessories"},
      new String[] {"construcao_ferramentas_construcao", "construction_tools_construction"},
      new String[] {"eletrodomesticos", "home_appliances"}, new String[] {"instrumentos_musicais", "musical_instruments"},
      new String[] {"eletroportateis", "small_appliances"}, new String[] {"casa_construcao", "home_construction"},
      new String[] {"livros_interesse_geral", "books_general_interest"}, new String[] {"alimentos", "food"},
      new String[] {"moveis_sala", "furniture_living_room"}, new String[] {"casa_conforto", "home_confort"},
      new String[] {"bebidas", "drinks"}, new String[] {"audio", "audio"},
      new String[] {"market_place", "market_place"}, new String[] {"climatizacao", "air_conditioning"},
      new String[] {"pc_gamer", null}, new String[] {"portateis_cozinha_e_preparadores_de_alimentos", null});

  static final List<String> REVIEW_TITLES = List.of("recomendo", "Muito bom", "otimo", "Produto com defeito",
      "Não recebi", "entrega rápida, produto ok", "Ótimo \"custo-benefício\"");
  static final List<String> REVIEW_MESSAGES = List.of(
      "Produto chegou antes do prazo, recomendo.",
      "Recebi o produto, mas veio com defeito; solicitei a troca.",
      "Muito bom!\nChegou rápido e bem embalado.",
      "Comprei dois, recebi só um.\r\nAguardo retorno da loja",
      "A entrega atrasou, mas o vendedor foi \"atencioso\".",
      "Excelente qualidade");

  private static <T> Weighted<T> w(T value, double weight) {
    return new Weighted<>(value, weight);
  }
}
