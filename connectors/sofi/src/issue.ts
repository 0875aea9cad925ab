/** One finding about an input file, located so that a person can open the file and see it. */
export interface Issue {
  /** One-based line in the file (0 when the finding is about the file as a whole). */
  line: number;
  /** Element path, e.g. `/lheo/offres/formation[3]/contact-formation/coordonneFs`. */
  path: string;
  message: string;
}
