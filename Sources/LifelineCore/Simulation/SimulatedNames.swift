/// Plausible French business names, so the dashboard reads like a real portfolio.
enum SimulatedNames {
    static let trades = [
        "Boulangerie", "Atelier", "Cabinet", "Garage", "Studio", "Pharmacie", "Librairie", "Menuiserie", "Agence",
        "Fromagerie", "Imprimerie", "Cave", "Salon", "Fleuriste", "Plomberie", "Traiteur", "Opticien", "Auto-école",
    ]
    static let families = [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
        "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
        "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Legrand", "Lemoine", "Chevalier",
    ]
    static let companies = [
        "Logistique", "Industries", "Technologies", "Distribution", "Conseil", "Santé", "Énergie", "Transports",
        "Solutions", "Bâtiment", "Médias", "Services",
    ]
    static let countries = ["FR", "FR", "FR", "FR", "FR", "FR", "BE", "DE", "ES", "IT", "NL", "LU"]

    static func name(_ rng: inout SplitMix64, segment: String) -> String {
        let family = rng.pick(families)
        switch segment {
        case "TPE": return "\(rng.pick(trades)) \(family)"
        case "PME": return "\(family) \(rng.pick(companies)) SARL"
        default: return "Groupe \(family) \(rng.pick(companies)) \(rng.chance(500) ? "SA" : "SAS")"
        }
    }

    /// ASCII, lowercase, dashes: for e-mail domains.
    static func slug(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9": out.unicodeScalars.append(scalar)
            case "é", "è", "ê", "É": out += "e"
            case "à", "â": out += "a"
            case "ç": out += "c"
            case "ô": out += "o"
            default: if !out.hasSuffix("-") && !out.isEmpty { out += "-" }
            }
        }
        return out.hasSuffix("-") ? String(out.dropLast()) : out
    }
}
