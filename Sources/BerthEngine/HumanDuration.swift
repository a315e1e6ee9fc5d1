/// go-units HumanDuration, as Docker prints ages and uptimes: "Less than a second",
/// "3 seconds", "About a minute", "5 minutes", "About an hour", "2 days", …
public enum HumanDuration {
  /// The text for a duration in seconds.
  public static func text(_ seconds: Double) -> String {
    let s = Int(seconds)
    if s < 1 { return "Less than a second" }
    if s == 1 { return "1 second" }
    if s < 60 { return "\(s) seconds" }
    let m = s / 60
    if m == 1 { return "About a minute" }
    if m < 60 { return "\(m) minutes" }
    let h = Int((seconds / 3600).rounded())
    if h == 1 { return "About an hour" }
    if h < 48 { return "\(h) hours" }
    if h < 24 * 7 * 2 { return "\(h / 24) days" }
    if h < 24 * 30 * 2 { return "\(h / 24 / 7) weeks" }
    if h < 24 * 365 * 2 { return "\(h / 24 / 30) months" }
    return "\(h / 24 / 365) years"
  }
}
