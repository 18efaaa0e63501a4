/**
 * Deterministic, realistic data for FakeTeo: French beneficiaries, téo's
 * documented dossier statuses, prestations. The same seed always gives the
 * same data, so tests can rely on it.
 *
 * Field names follow `@teo-effect/api`'s assumptions (téo does not document
 * them): see docs/api.md.
 *
 * @since 0.1.0
 */
import { random, seedOf, uuidFrom } from "./internal/Seeded.js"

/**
 * A prestation (service) a dossier is opened for.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakePrestation {
  readonly id: string
  readonly name: string
}

/**
 * A dossier as FakeTeo stores it (the API adds `@id` and `@type`).
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeDossier {
  readonly id: string
  readonly [field: string]: unknown
}

/**
 * The statuses téo's user documentation lists for a dossier.
 *
 * @since 0.1.0
 * @category constants
 */
export const dossierStatuses = ["Prévisionnel", "En cours", "Facturé", "Terminé", "Abandonné", "Soldé"] as const

const firstNames = [
  "Camille",
  "Léa",
  "Manon",
  "Chloé",
  "Inès",
  "Sarah",
  "Emma",
  "Louise",
  "Jade",
  "Zoé",
  "Lucas",
  "Hugo",
  "Louis",
  "Gabriel",
  "Arthur",
  "Jules",
  "Nathan",
  "Théo",
  "Mathis",
  "Noah",
  "Nadia",
  "Karim",
  "Sofiane",
  "Amina",
  "Mehdi",
  "Yasmine",
  "Thomas",
  "Julie",
  "Nicolas",
  "Aurélie"
]

const lastNames = [
  "Martin",
  "Bernard",
  "Dubois",
  "Thomas",
  "Robert",
  "Richard",
  "Petit",
  "Durand",
  "Leroy",
  "Moreau",
  "Simon",
  "Laurent",
  "Lefèvre",
  "Michel",
  "Garcia",
  "David",
  "Bertrand",
  "Roux",
  "Vincent",
  "Fournier",
  "Morel",
  "Girard",
  "André",
  "Mercier",
  "Dupont",
  "Lambert",
  "Bonnet",
  "François",
  "Martinez",
  "Benali"
]

const prestationNames = [
  "Bilan de compétences",
  "Accompagnement VAE",
  "Formation bureautique",
  "Coaching emploi",
  "Formation anglais professionnel"
]

const centres = ["Lyon Part-Dieu", "Paris 11e", "Nantes Centre", "Bordeaux Chartrons", "Lille Euratechnologies"]

const pick = <A>(next: () => number, items: ReadonlyArray<A>): A => items[Math.floor(next() * items.length)] as A

const ascii = (text: string) =>
  text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "")

const isoDate = (millis: number) => new Date(millis).toISOString().slice(0, 10)

/**
 * The prestations of an instance.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makePrestations = (seed: string): ReadonlyArray<FakePrestation> => {
  const next = random(seedOf(`prestations:${seed}`))
  return prestationNames.map((name) => ({ id: uuidFrom(next), name }))
}

/**
 * `count` dossiers for an instance, always the same for the same seed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeDossiers = (
  seed: string,
  count: number,
  prestations: ReadonlyArray<FakePrestation>
): ReadonlyArray<FakeDossier> => {
  const next = random(seedOf(`dossiers:${seed}`))
  const start2024 = Date.UTC(2024, 0, 1)
  const day = 86_400_000
  return Array.from({ length: count }, (_, index) => {
    const firstName = pick(next, firstNames)
    const lastName = pick(next, lastNames)
    const createdAt = start2024 + Math.floor(next() * 900) * day
    const startDate = createdAt + Math.floor(next() * 30) * day
    const endDate = startDate + (30 + Math.floor(next() * 150)) * day
    const prestation = pick(next, prestations)
    const year = new Date(createdAt).getUTCFullYear()
    return {
      id: uuidFrom(next),
      number: `D-${year}-${String(index + 1).padStart(4, "0")}`,
      orderNumber: next() < 0.4 ? `BC-${year}-${Math.floor(next() * 9000 + 1000)}` : null,
      firstName,
      lastName,
      birthDate: isoDate(
        Date.UTC(1960 + Math.floor(next() * 45), Math.floor(next() * 12), 1 + Math.floor(next() * 28))
      ),
      email: `${ascii(firstName)}.${ascii(lastName)}${index + 1}@example.fr`,
      phone:
        next() < 0.8
          ? `+33 6 ${Array.from({ length: 4 }, () => String(Math.floor(next() * 90 + 10))).join(" ")}`
          : null,
      status: pick(next, dossierStatuses),
      createdAt: new Date(createdAt).toISOString(),
      startDate: isoDate(startDate),
      endDate: isoDate(endDate),
      service: `/api/production/prestations/${prestation.id}`,
      centre: pick(next, centres)
    }
  })
}
