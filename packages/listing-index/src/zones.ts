/**
 * The geographic zone table (seed annex 7.3, "Table de la zone géographique"): France's regions (INSEE codes since
 * 2016, overseas included) and their departments, as the searches of the catalogue and of Ouiform narrow a search
 * to a region. A listing knows its department (from its training place); a region is the set of its departments.
 */
export interface Region {
  /** INSEE region code (two digits). */
  code: string;
  name: string;
  departments: readonly string[];
}

export const REGIONS: readonly Region[] = [
  { code: '01', name: 'Guadeloupe', departments: ['971'] },
  { code: '02', name: 'Martinique', departments: ['972'] },
  { code: '03', name: 'Guyane', departments: ['973'] },
  { code: '04', name: 'La Réunion', departments: ['974'] },
  { code: '06', name: 'Mayotte', departments: ['976'] },
  { code: '11', name: 'Île-de-France', departments: ['75', '77', '78', '91', '92', '93', '94', '95'] },
  { code: '24', name: 'Centre-Val de Loire', departments: ['18', '28', '36', '37', '41', '45'] },
  { code: '27', name: 'Bourgogne-Franche-Comté', departments: ['21', '25', '39', '58', '70', '71', '89', '90'] },
  { code: '28', name: 'Normandie', departments: ['14', '27', '50', '61', '76'] },
  { code: '32', name: 'Hauts-de-France', departments: ['02', '59', '60', '62', '80'] },
  { code: '44', name: 'Grand Est', departments: ['08', '10', '51', '52', '54', '55', '57', '67', '68', '88'] },
  { code: '52', name: 'Pays de la Loire', departments: ['44', '49', '53', '72', '85'] },
  { code: '53', name: 'Bretagne', departments: ['22', '29', '35', '56'] },
  {
    code: '75',
    name: 'Nouvelle-Aquitaine',
    departments: ['16', '17', '19', '23', '24', '33', '40', '47', '64', '79', '86', '87'],
  },
  {
    code: '76',
    name: 'Occitanie',
    departments: ['09', '11', '12', '30', '31', '32', '34', '46', '48', '65', '66', '81', '82'],
  },
  {
    code: '84',
    name: 'Auvergne-Rhône-Alpes',
    departments: ['01', '03', '07', '15', '26', '38', '42', '43', '63', '69', '73', '74'],
  },
  { code: '93', name: "Provence-Alpes-Côte d'Azur", departments: ['04', '05', '06', '13', '83', '84'] },
  { code: '94', name: 'Corse', departments: ['2A', '2B'] },
];

const BY_CODE = new Map(REGIONS.map((region) => [region.code, region]));

/** The region of that INSEE code, or undefined. */
export const regionOf = (code: string): Region | undefined => BY_CODE.get(code);

/** The region a department belongs to, or undefined (an unknown code). */
export const regionOfDepartment = (department: string): Region | undefined =>
  REGIONS.find((region) => region.departments.includes(department));
