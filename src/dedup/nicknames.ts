/**
 * English given names and their common short forms, for matching `Bob Smith`
 * with `Robert Smith`. Kept small on purpose: every entry makes two different
 * people likelier to score as one, so only forms in everyday use are here.
 * A short form may belong to several names (`chris`: christopher, christine,
 * christina); it then agrees with each of them, and they do not agree with
 * each other.
 */
const GROUPS: readonly (readonly string[])[] = [
  ['abigail', 'abby', 'abbie', 'gail'],
  ['albert', 'al', 'bert', 'bertie'],
  ['alexander', 'alex', 'alec', 'sandy', 'xander', 'lex'],
  ['alexandra', 'alex', 'alexa', 'sandra', 'sandy', 'lexi', 'lexie'],
  ['alfred', 'alf', 'alfie', 'fred'],
  ['allison', 'ali', 'allie', 'ally'],
  ['andrew', 'andy', 'drew'],
  ['angela', 'angie'],
  ['anthony', 'tony', 'ant'],
  ['barbara', 'barb', 'babs', 'barbie'],
  ['benjamin', 'ben', 'benny', 'benji'],
  ['catherine', 'cathy', 'cate', 'kate', 'katie', 'cat'],
  ['katherine', 'kathy', 'kate', 'katie', 'kat', 'kath', 'kitty'],
  ['charles', 'charlie', 'chuck', 'chas', 'chaz'],
  ['charlotte', 'charlie', 'lottie'],
  ['christina', 'chris', 'tina', 'chrissy'],
  ['christine', 'chris', 'chrissy', 'tina'],
  ['christopher', 'chris', 'kit', 'topher'],
  ['daniel', 'dan', 'danny'],
  ['david', 'dave', 'davey'],
  ['deborah', 'debbie', 'deb', 'debra'],
  ['donald', 'don', 'donnie'],
  ['dorothy', 'dot', 'dottie', 'dolly'],
  ['edward', 'ed', 'eddie', 'ted', 'teddy', 'ned'],
  ['elizabeth', 'liz', 'lizzie', 'beth', 'betty', 'betsy', 'eliza', 'libby', 'lisa', 'bess'],
  ['emily', 'em', 'emmy'],
  ['eugene', 'gene'],
  ['frances', 'fran', 'frankie'],
  ['francis', 'frank', 'frankie'],
  ['frederick', 'fred', 'freddie', 'freddy'],
  ['gabriel', 'gabe'],
  ['gregory', 'greg'],
  ['harold', 'harry', 'hal'],
  ['henry', 'harry', 'hank', 'hal'],
  ['isabella', 'bella', 'izzy', 'isabel'],
  ['jacob', 'jake'],
  ['james', 'jim', 'jimmy', 'jamie'],
  ['jennifer', 'jen', 'jenny', 'jenn'],
  ['jessica', 'jess', 'jessie'],
  ['john', 'jack', 'johnny', 'jon'],
  ['jonathan', 'jon', 'jonny', 'nathan'],
  ['joseph', 'joe', 'joey'],
  ['joshua', 'josh'],
  ['judith', 'judy', 'jude'],
  ['kenneth', 'ken', 'kenny'],
  ['lawrence', 'larry', 'laurie'],
  ['leonard', 'leo', 'len', 'lenny'],
  ['margaret', 'maggie', 'meg', 'peggy', 'marge', 'margie', 'greta'],
  ['matthew', 'matt', 'matty'],
  ['michael', 'mike', 'mikey', 'mick', 'mickey'],
  ['nathaniel', 'nate', 'nathan', 'nat'],
  ['nicholas', 'nick', 'nicky', 'nic'],
  ['patricia', 'pat', 'patty', 'trish', 'tricia'],
  ['patrick', 'pat', 'paddy'],
  ['peter', 'pete'],
  ['philip', 'phil', 'pip'],
  ['rebecca', 'becky', 'becca', 'bec'],
  ['richard', 'rick', 'ricky', 'dick', 'rich', 'richie'],
  ['robert', 'bob', 'bobby', 'rob', 'robbie', 'bert'],
  ['ronald', 'ron', 'ronnie'],
  ['samantha', 'sam', 'sammy'],
  ['samuel', 'sam', 'sammy'],
  ['stephen', 'steve', 'stevie', 'steven'],
  ['susan', 'sue', 'susie', 'suzy'],
  ['theodore', 'theo', 'ted', 'teddy'],
  ['thomas', 'tom', 'tommy'],
  ['timothy', 'tim', 'timmy'],
  ['victoria', 'vicky', 'vickie', 'tori'],
  ['vincent', 'vince', 'vinnie'],
  ['walter', 'walt', 'wally'],
  ['william', 'bill', 'billy', 'will', 'willy', 'liam'],
  ['zachary', 'zach', 'zack'],
];

const groupsOf = new Map<string, number[]>();
GROUPS.forEach((group, g) => {
  for (const name of group) {
    const list = groupsOf.get(name);
    if (list) list.push(g);
    else groupsOf.set(name, [g]);
  }
});

/**
 * The full form a folded given name stands for (`bob` -> `robert`), the
 * first when it is short for several (`chris` -> `christina`), else the name
 * itself. Used for blocking keys, where one canonical form is enough.
 */
export function canonicalFirstName(folded: string): string {
  const groups = groupsOf.get(folded);
  return groups ? ((GROUPS[groups[0] as number] as readonly string[])[0] as string) : folded;
}

/** Whether two different folded given names are forms of one name (`bill`, `william`; `bill`, `will`). */
export function areNicknames(a: string, b: string): boolean {
  if (a === b) return false;
  const ga = groupsOf.get(a);
  const gb = groupsOf.get(b);
  if (!ga || !gb) return false;
  return ga.some((g) => gb.includes(g));
}

// Masculine and feminine forms of one given name that no suffix rule below catches.
const FORM_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['john', 'joan'], ['jon', 'joan'], ['francis', 'frances'], ['jesse', 'jessie'], ['billy', 'billie'], ['bobby', 'bobbie'],
  ['louis', 'louise'], ['justin', 'justine'], ['simon', 'simone'], ['denis', 'denise'], ['jean', 'jeanne'], ['yvon', 'yvonne'],
  ['oliver', 'olivia'], ['victor', 'victoria'], ['charles', 'charlotte'], ['henry', 'henrietta'], ['joseph', 'josephine'],
  ['george', 'georgia'], ['george', 'georgina'], ['michael', 'michelle'], ['nicholas', 'nicole'], ['nicolas', 'nicole'],
  ['andrew', 'andrea'], ['patrick', 'patricia'], ['christian', 'christina'], ['christian', 'christine'], ['bernard', 'bernadette'], ['rene', 'renee'], ['emil', 'emily'], ['dean', 'deanna'],
];
const FORMS = new Set(FORM_PAIRS.flatMap(([m, f]) => [`${m} ${f}`, `${f} ${m}`]));
// A feminine form made by adding to the masculine one (`daniel` + `le`); `e` alone is left out (`ann`, `anne`), and so is
// `a`, which a dropped last letter makes as often (`matilda`, `matild`): the masculine names that take it are listed.
const ADDED = ['ia', 'ina', 'ine', 'ette', 'elle', 'le'];
const TAKES_A = new Set([
  'paul', 'eric', 'carl', 'daniel', 'gabriel', 'martin', 'ivan', 'jan', 'julian', 'christian', 'robert', 'marcel', 'roman',
  'stefan', 'adrian', 'fabian', 'damian', 'kristian', 'valentin', 'leon', 'lauren', 'herman', 'dominik', 'frederik', 'mikael',
  'jason', 'joel', 'john', 'louis', 'ludwig', 'wilhelm', 'bernard', 'gerald', 'roland', 'silvan', 'florian', 'marian',
]);
// Or by changing its ending (`mario`, `maria`; `julius`, `julia`; `alexander`, `alexandra`).
const ENDINGS: ReadonlyArray<readonly [string, string]> = [['o', 'a'], ['us', 'a'], ['os', 'a'], ['er', 'ra'], ['o', 'ina'], ['us', 'ine']];

/**
 * Whether two folded given names are the masculine and feminine forms of one
 * name (`paul`, `paula`; `mario`, `maria`; `alexander`, `alexandra`; `john`,
 * `joan`): one letter apart, yet two people, such as a couple sharing a home
 * and a landline. Not nicknames of each other.
 */
export function areGenderedForms(a: string, b: string): boolean {
  if (a === b || a.length < 3 || b.length < 3) return false;
  if (FORMS.has(`${a} ${b}`)) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (long.startsWith(short) && (ADDED.includes(long.slice(short.length)) || (long === `${short}a` && TAKES_A.has(short)))) return true;
  return ENDINGS.some(([m, f]) => {
    const [male, female] = a.endsWith(m) && b.endsWith(f) ? [a, b] : b.endsWith(m) && a.endsWith(f) ? [b, a] : [undefined, undefined];
    return male !== undefined && female !== undefined && male.slice(0, -m.length) === female.slice(0, -f.length) && male.length - m.length >= 2;
  });
}
