/// Random container names in Docker's style: `adjective_surname`.
enum NameGenerator {
  /// A random name, with a digit appended after the first tries (as Docker's retries do).
  static func random(attempt: Int) -> String {
    attempt < 3 ? random() : random() + String(Int.random(in: 0...9))
  }

  static let adjectives = [
    "admiring", "agitated", "amazing", "awesome", "blissful", "bold", "brave", "busy", "charming", "clever",
    "compassionate", "competent", "confident", "cool", "dazzling", "determined", "eager", "ecstatic", "elegant",
    "epic", "focused", "friendly", "gallant", "gifted", "goofy", "gracious", "happy", "hopeful", "inspiring",
    "jolly", "keen", "kind", "laughing", "loving", "lucid", "magical", "modest", "musing", "nice", "nifty",
    "nostalgic", "optimistic", "peaceful", "pensive", "practical", "priceless", "quirky", "relaxed", "serene",
    "sharp", "silly", "stoic", "sweet", "tender", "trusting", "upbeat", "vibrant", "vigilant", "wizardly",
    "wonderful", "youthful", "zealous", "zen",
  ]
  static let surnames = [
    "albattani", "allen", "archimedes", "babbage", "bardeen", "bell", "bhabha", "blackwell", "bohr", "booth",
    "brattain", "cannon", "carson", "cerf", "curie", "darwin", "dijkstra", "einstein", "euclid", "euler",
    "faraday", "fermat", "feynman", "franklin", "galileo", "gauss", "goldberg", "goodall", "hamilton", "hawking",
    "heisenberg", "hopper", "hypatia", "johnson", "kepler", "knuth", "lamarr", "lovelace", "mayer", "mccarthy",
    "meitner", "morse", "newton", "nobel", "noether", "pare", "pascal", "pasteur", "perlman", "raman", "ritchie",
    "shannon", "sinoussi", "tesla", "thompson", "torvalds", "turing", "wilson", "wing", "wozniak", "wright",
  ]

  static func random() -> String {
    "\(adjectives.randomElement() ?? "happy")_\(surnames.randomElement() ?? "turing")"
  }
}
