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
