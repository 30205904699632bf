/**
 * Standing rules and kept statements a person writes to the agent in a language other than English
 * (Chinese, Japanese, Korean, French, Spanish, German, Portuguese, Italian, Polish, Russian). The English reader (`feedback.ts`,
 * `project-facts.ts`) leaves such text alone (`isForeign` in `language.ts`), since its cue words and
 * part-of-speech rules would misread it; this module reads it with a much narrower rule, precision first:
 *
 * - a **rule** is a sentence, not a question, that carries a cue that it holds beyond this task (from now
 *   on / in future / next time; every time / always / never; an explicit request to remember) *and* the
 *   form of an order in that language (a modal such as 必须 / 不要 / tu dois / il faut / musst; a
 *   prohibitive or polite-request ending such as 〜ないでください / 하지 마세요; a sentence-initial
 *   imperative in the Romance and Germanic languages). "Every time" and "always" also open complaints
 *   ("每次都报错", "ça ne marche jamais"), so with them only a modal, never a bare action verb, makes an order.
 *   Chinese "unless" opening a clause (除非) is such a cue too ("不用管 X，除非我说": barred until the
 *   person says otherwise). An order on the language of the agent's answers ("使用中文回答", "antworte
 *   auf Deutsch"; `ordersReplyLanguage` in `language.ts`) is a rule with no cue: it holds for every answer.
 * - a **kept statement** is what follows an explicit request to remember ("记住：…", "retiens que …",
 *   "merk dir, dass …") when it is no order: a `project` fact, or a `reference` when it names a path,
 *   file or URL.
 *
 * Sentences are cut with `Intl.Segmenter` (ICU's sentence and word boundaries, built into Node; ICU
 * segments Chinese and Japanese words by dictionary); the language of a message is told by script (Han,
 * kana, Hangul) or by eld (`language.ts`). A statement is quoted verbatim; its grouping terms are ICU's
 * word segments without the cue words. Corrections of what the agent just did (criticism without a rule)
 * are not read in these languages: without a parser, an objection and a complaint about the world look
 * alike.
 *
 * Sources: Unicode UAX #29 text segmentation as implemented by ICU (`Intl.Segmenter`,
 * https://tc39.es/ecma402/#segmenter-objects); the cue lexicons follow standard grammars of each
 * language's imperative and modal forms.
 */
import { eld } from 'eld/extrasmall';
import type { FeedbackStatement } from './feedback.js';
import { ordersReplyLanguage, REPLY_LANGUAGE } from './language.js';
import type { ProjectFactStatement } from './project-facts.js';

/** A language this module reads (ISO 639-1). */
export type ForeignLanguage = 'zh' | 'ja' | 'ko' | 'fr' | 'es' | 'de' | 'pt' | 'it' | 'pl' | 'ru';

/** The cue lexicon of one language (all case-insensitive, Unicode). */
interface Lexicon {
  /**
   * "From now on" opening the sentence: so strong a cue that an action verb alone makes the order
   * (Chinese "以后所有的 X 保存在 Y"). Only where the language has such verbs ({@link Lexicon.action}).
   */
  opens?: RegExp;
  /** Holds from now on: "from now on", "in future", "next time", "in all projects". */
  later: RegExp;
  /** Every time / always / never: a cue that also opens complaints, so it needs a modal. */
  always: RegExp;
  /** An explicit request to remember; the words after it are what to keep. */
  keep: RegExp;
  /** A modal or prohibitive form addressed to the agent (must, should, don't, please, …). */
  modal: RegExp;
  /** An order by an action verb alone (Chinese; never in a sentence that only says "always"). */
  action: RegExp;
  /** A question, or a sentence that asks or reports rather than orders. */
  asks: RegExp;
  /**
   * Words of what a product does for its users (user, system, page, server): a sentence with them and
   * without {@link Lexicon.addressed} specifies the product ("每次调用模型服务都要…") rather than how the
   * agent works.
   */
  product?: RegExp;
  /** The agent addressed ("你", "あなた"): then product words do not make the sentence a specification. */
  addressed?: RegExp;
  /** Where the person's reason starts inside the sentence (a verbatim suffix of it), when marked. */
  reason: RegExp | null;
  /** Longest sentence read (characters): longer ones are pasted text or task specifications. */
  maxChars: number;
}

/** Closing punctuation of a Chinese or Japanese clause, or the sentence start. */
const CJK_EDGE = String.raw`(?:^|[，,。；;：:！!、\s]|\p{P})`;

/** Lead words before a Chinese cue that do not change the sentence's mood ("我希望以后…", "请以后…"). */
const ZH_LEAD =
  '(?:我希望|希望|请你?|請你?|你|那么?|那麼|所以|然后|然後|并且|並且|而且|另外|还有|還有|记住|記住|记得|記得|好的?|嗯|对|對)?[，,\\s]*';
/**
 * "From now on" in Chinese; 以后 / 以後, 之后 / 之後 ("afterwards") and 接下来 / 接下來 ("from here on") only
 * where they open a clause (after a verb 以后 and 之后 mean "after").
 */
const ZH_LATER =
  '(?:以后|以後|之后|之後|接下来|接下來|今后|今後|往后|往後|从今以后|從今以後|从今往后|從今往後|从现在(?:开始|起)|從現在(?:開始|起)|从此以后|從此以後)';

const ZH: Lexicon = {
  // (not a prediction: "以后还会有…", "there will be … later")
  opens: new RegExp(`^${ZH_LEAD}${ZH_LATER}(?!还会|還會|会|會|将|將|可能)`, 'u'),
  // (and "unless" opening a clause: "不用考虑 X，除非我说" bars X until the person says otherwise)
  later: new RegExp(
    `${CJK_EDGE}${ZH_LEAD}(?:${ZH_LATER}|下次|下一次|下回|除非)(?!还会|還會|会|會|将|將|可能)`,
    'u',
  ),
  // (not "will never / always is": 永远不会相等, "will never be equal", describes; 永远不要 orders)
  always:
    /每次|每一次|每当|每當|(?:总是|總是|始终|始終|永远|永遠)(?!不会|不會|会|會|是|都是)|一律|任何时候|任何時候|无论何时|無論何時|绝不|絕不|决不|決不|千万不|千萬不/u,
  keep: /^(?:请|請)?(?:记住|記住|牢记|牢記|记下来|記下來|(?:保存|存|写|寫|记|記)(?:到|进|進|入|在)(?:你的)?(?:记忆|記憶|memory))[：:，,\s]*/iu,
  // (a bare 要 is in 需要, 重要, 主要, 要求: only with a word that makes it an order)
  modal:
    /必须|必須|务必|務必|(?:一定|都|也|就|还|還|你)要|要先|都得|不要|不用|不准|不许|不許|别|別|禁止|应该|應該|应当|應當|请|請|只能|不能|不可以|不得|千万|千萬|记得|記得|避免|统一|統一|一律|不(?:想|希望)[^，,。！!？?]{0,12}你/u,
  action:
    /用|使用|改用|采用|採用|保存|存到|存放|放在|放到|写在|寫在|写到|寫到|写成|寫成|回复|回覆|回答|输出|輸出|遵循|遵守|参考|參考|保持|加上|带上|帶上|生成|创建|創建|提交|先/u,
  asks: /[？?]|[吗嗎](?:[，,。！!…\s]|$)|[么麼呢吧][。！!…\s]*$|为什么|為什麼|为何|為何|怎么|怎麼|如何|是不是|是否|能不能|可不可以|有没有|有沒有|哪/u,
  // what a product does for its users is a specification, not how the agent works
  product: /用户|用戶|系统|系統|页面|頁面|界面|前端|后端|後端|服务|服務|接口|客户端|客戶端|平台/u,
  addressed: /你/u,
  reason: /(?:因为|因為|由于|由於|否则|否則|不然)/u,
  maxChars: 120,
};

const JA: Lexicon = {
  later:
    /今後|これから(?:は)?|次回(?:から|以降)?|次から|今度から|以降は|すべてのプロジェクト|全てのプロジェクト/u,
  always: /毎回|常に|いつも|必ず|絶対に?|決して|二度と/u,
  keep: /(?:これを|以下を)?(?:覚えて(?:おいて)?(?:ください|下さい)?|記憶して(?:ください|下さい)?|メモリ(?:ー)?に(?:保存|追加|記録)して(?:ください|下さい)?|忘れないで(?:ください|下さい)?)[。：:、,\s]*/u,
  modal:
    /ください|下さい|ないで|ように|こと[。．！!]*$|べき|しろ|するな|てね|てほしい|て欲しい|お願い|禁止|必要があります|なければ(?:ならない|いけない)/u,
  action: /(?!)/u,
  asks: /[？?]|(?:ですか|ますか|でしょうか|の|か)[。！!…\s]*$|なぜ|何故|どうして|どう/u,
  product: /ユーザー|システム|画面|ページ|フロント|サーバー|機能|表示|アプリ|対応/u,
  addressed: /あなた|君/u,
  reason: null,
  maxChars: 120,
};

const KO: Lexicon = {
  later: /앞으로|다음부터|이제부터|다음에는|향후|기본적으로|모든 프로젝트/u,
  always: /항상|매번|언제나|절대|반드시|무조건|늘/u,
  keep: /(?:이것을?|이거)?\s*(?:기억해\s*(?:줘|주세요|두세요|둬)?|잊지\s*마(?:세요|라)?|메모리에\s*(?:저장|추가)해\s*(?:줘|주세요)?)[.:,\s]*/u,
  modal:
    /해\s*줘|해\s*주세요|하세요|하지\s*마|하지\s*말|말아|마세요|해야|하라|할 것|하도록|주세요|줘요?[.!]*$|써라|쓰세요|써\s*줘/u,
  action: /(?!)/u,
  asks: /[?？]|(?:까|나요|니|냐|죠)[.!…\s]*$|왜|어떻게/u,
  reason: /(?:왜냐하면|때문에)/u,
  maxChars: 200,
};

/** First words of a sentence that are no verb (articles, pronouns, conjunctions, prepositions). */
const FR_NOT_VERB =
  /^(?:le|la|les|l|un|une|des|du|de|d|ce|cet|cette|ces|ça|ca|cela|je|j|il|elle|on|nous|vous|tu|ils|elles|que|qu|qui|quoi|mais|donc|alors|comme|dans|sur|pour|avec|sans|tous|toutes|tout|toute|très|plus|moins|après|avant|depuis|chez|entre|mes|tes|ses|nos|vos|leurs|mon|ton|son|ma|ta|sa|aux|au|est|sont|si|quand|lorsque|parce|car|oui|non|ok|merci|bonjour|voici|voilà|puis|ensuite|et|ou|pas|encore|aussi|même|chaque|par|en|y|à|a|toujours|jamais|désormais|dorénavant|systématiquement|parfois|souvent)$/iu;
const ES_NOT_VERB =
  /^(?:el|la|los|las|un|una|unos|unas|lo|le|les|este|esta|estos|estas|ese|esa|eso|esto|yo|tú|tu|él|ella|nosotros|ellos|ellas|usted|que|qué|quien|pero|entonces|como|en|sobre|para|por|con|sin|todo|todos|toda|todas|muy|más|menos|después|antes|desde|entre|mis|tus|sus|mi|su|nuestro|al|del|de|es|son|está|están|si|cuando|porque|sí|no|ok|gracias|hola|y|o|también|cada|a|se|me|te|nos|hay)$/iu;
const PT_NOT_VERB =
  /^(?:o|a|os|as|um|uma|uns|umas|este|esta|estes|estas|esse|essa|isso|isto|eu|tu|você|voce|ele|ela|nós|eles|elas|que|quem|mas|então|entao|como|em|no|na|nos|nas|sobre|para|pra|por|com|sem|todo|todos|toda|todas|muito|mais|menos|depois|antes|desde|entre|meu|minha|seu|sua|ao|do|da|dos|das|de|é|são|está|estão|se|quando|porque|sim|não|nao|ok|obrigado|olá|e|ou|também|cada|me|te|lhe|há)$/iu;
const DE_NOT_VERB =
  /^(?:der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines|dies|diese|dieser|dieses|es|er|sie|wir|ich|du|ihr|man|und|oder|aber|also|dann|wie|wenn|weil|dass|da|in|im|an|am|auf|für|mit|ohne|nach|vor|von|zu|zum|zur|bei|aus|alle|alles|jeder|jede|jedes|sehr|mehr|weniger|mein|dein|sein|unser|euer|ist|sind|war|ja|nein|ok|danke|hallo|auch|noch|immer|nie|niemals|bitte|hier|jetzt|so)$/iu;

const IT_NOT_VERB =
  /^(?:il|lo|la|i|gli|le|un|uno|una|questo|questa|questi|queste|quello|quella|quelle|quei|ciò|io|tu|lui|lei|noi|voi|loro|che|chi|cosa|ma|quindi|allora|poi|come|in|nel|nella|nei|nelle|su|sul|sulla|per|con|senza|tutto|tutti|tutta|tutte|molto|più|meno|dopo|prima|da|dal|dalla|tra|fra|mio|mia|miei|mie|tuo|tua|suo|sua|nostro|nostra|al|alla|ai|alle|del|della|dei|delle|di|è|sono|era|se|quando|perché|sì|si|no|non|ok|grazie|ciao|e|o|anche|ogni|ora|qui|qua|là|sempre|mai|ancora|già|oggi|ieri|domani|bene|male|forse|adesso|pagina|build|app)$/iu;
/** Lead words before an order that do not change its mood (interjections, "and", "please", "then"). */
const LATIN_LEAD =
  /^(?:(?:ok(?:ay)?|alors|donc|et|puis|aussi|merci|stp|svp|s'il (?:te|vous) pla[iî]t|bon|bien|oui|non|y|entonces|también|por favor|porfa|vale|bueno|s[ií]|e|então|entao|tamb[ée]m|beleza|und|also|dann|bitte|ja|nein|gut|okay)\b[\s,.:;!-]*)+/iu;

/**
 * The words after an imperative-looking verb opening a clause of `text` (after lead words): a word not
 * in `notVerb`, of at least three letters, ending like a second-person imperative of the language
 * (`ending`). One entry per such clause; empty when there is none.
 */
function imperativeClauses(text: string, notVerb: RegExp, ending: RegExp): string[] {
  const out: string[] = [];
  for (const clause of text.split(/[,;:]/)) {
    const body = clause.replace(LATIN_LEAD, '').trim();
    const first = body.match(/^[\p{L}'’-]+/u)?.[0] ?? '';
    // "demande-moi", "dis-lui", "n'utilise": the verb before an attached pronoun
    const word = first.replace(/['’].*$/u, '').split('-')[0]!;
    if (word.length >= 3 && !notVerb.test(word) && ending.test(word))
      out.push(body.slice(first.length).trim());
  }
  return out;
}

const FR: Lexicon = {
  later:
    /\b(?:à|a) l'avenir\b|\bdorénavant\b|\bdésormais\b|\bà partir de maintenant\b|\b(?:la|les) prochaines? fois\b|\bpour la suite\b|\bà chaque fois\b|\bchaque fois que\b|\b(?:pour|dans) tous (?:les|mes) projets\b/iu,
  always: /\btoujours\b|\bjamais\b|\btout le temps\b|\bsystématiquement\b/iu,
  keep: /^(?:(?:et|alors|stp|merci)\s+)?(?:retiens|retenez|souviens[- ]toi|souvenez[- ]vous|m[ée]morise[sz]?|garde[sz]? (?:bien )?en (?:t[êe]te|m[ée]moire)|(?:enregistre|sauvegarde|note|ajoute)[sz]? (?:ça |cela |le |la )?(?:dans|en|à) (?:ta |la |votre )?m[ée]moire)(?: que| qu'|\s*[:,])\s*/iu,
  modal:
    /^(?:toujours|ne jamais|ne pas|ne plus|jamais) [\p{L}'-]+(?:er|ir|re)\b|\btu dois\b|\bvous devez\b|\bil (?:ne )?faut\b|\bmerci de\b|\bje (?:veux|voudrais|souhaite) que\b|\bj'aimerai(?:s)? que\b|\bévite[sz]?\b|\bn'oublie[sz]? pas\b|\bpense[sz]? à\b|^(?:(?:et|alors|donc|ok|stp|svp|mais|puis|bon)[\s,]+){0,2}(?:ne |n')(?:le |la |les |l'|en |y |me |lui )?[\p{L}'-]+ (?:pas|jamais|plus)\b/iu,
  action: /(?!)/u,
  asks: /[?？]\s*$|^(?:est-ce que|pourquoi|comment|quel(?:le)?s?|qu'est-ce|peux-tu|pourrais-tu|tu peux|as-tu|est-ce)\b/iu,
  reason: /\b(?:parce que|parce qu'|car|sinon)\b/iu,
  maxChars: 300,
};

const ES: Lexicon = {
  later:
    /\ba partir de ahora\b|\bde ahora en adelante\b|\ben adelante\b|\ben el futuro\b|\b(?:la|las) pr[oó]ximas? vez(?:es)?\b|\bcada vez que\b|\bsiempre que\b|\ben todos (?:los|mis) proyectos\b/iu,
  always: /\bsiempre\b|\bnunca\b|\bjam[aá]s\b/iu,
  keep: /^(?:(?:y|por favor)\s+)?(?:recuerda|recuerde|ten en cuenta|tenga en cuenta|memoriza|guarda (?:esto |eso )?en (?:tu |la )?memoria|no olvides)(?: que|\s*[:,])\s*/iu,
  modal:
    /\bdebes\b|\bdeber[ií]as\b|\btienes que\b|\bhay que\b|\bpor favor\b|\bquiero que\b|\bevita\b|\bno olvides\b|^(?:(?:y|pero|vale|bueno|ok|entonces|por favor)[\s,]+){0,2}no (?:(?:lo|la|los|las|le|les|me|te|nos|se) )?\p{L}+(?:es|as)\b|^(?:(?:y|pero|vale|bueno|ok|entonces)[\s,]+){0,2}(?:nunca|jam[aá]s) (?:(?:lo|la|los|las|le|les|me|te|nos|se) )?\p{L}+(?:es|as)\b/iu,
  action: /(?!)/u,
  asks: /[?¿]|^(?:por qué|porque|cómo|como|qué|cuál|puedes|podrías)\b/iu,
  reason: /\b(?:porque|ya que|si no)\b/iu,
  maxChars: 300,
};

/**
 * Portuguese imperatives ending in -a: the present subjunctive of -er and -ir verbs, which Brazilian
 * Portuguese uses for orders ("nunca inclua …", "não faça …", "nunca seja …"). An -a ending alone would
 * also take the indicative of -ar verbs ("nunca funciona", "it never works"), so these are listed.
 */
const PT_IMPERATIVE_A =
  '(?:inclua|exclua|substitua|construa|conclua|fa[cç]a|escreva|seja|ponha|diga|traga|leia|suba|abra|mexa|remova|mova|esque[cç]a|assuma|rompa|responda|escolha|corrija|insira|siga|mantenha|tenha|venha|v[aá]|saia|d[eê]|refa[cç]a|desfa[cç]a|reescreva|descreva|envie|apague|comprometa|interrompa|dependa|permita|aplique|confie)';

const PT: Lexicon = {
  later:
    /\ba partir de agora\b|\bde agora em diante\b|\bdaqui (?:pra|para) frente\b|\bno futuro\b|\b(?:da|na) pr[oó]xima vez\b|\btoda vez que\b|\bsempre que\b|\bem todos os (?:meus )?projetos\b/iu,
  always: /\bsempre\b|\bnunca\b|\bjamais\b/iu,
  keep: /^(?:(?:e|por favor)\s+)?(?:lembre(?:-se)?|lembra|memorize|guarde (?:isso )?na (?:sua )?mem[oó]ria|salve (?:isso )?na (?:sua )?mem[oó]ria|n[aã]o esque[cç]a)(?: de| que|\s*[:,])\s*/iu,
  modal: new RegExp(
    String.raw`\bvoc[eê] deve\b|\bdeve(?:ria)?\b|\btem que\b|\bprecisa\b|\bpor favor\b|\bquero que\b|\bevite\b|\bn[aã]o esque[cç]a\b|^(?:(?:e|mas|ok|ent[aã]o|por favor)[\s,]+){0,2}n[aã]o (?:(?:o|a|os|as|me|te|se|lhe) )?(?:\p{L}+(?:e|es)|${PT_IMPERATIVE_A})\b|^(?:(?:e|mas|ok|ent[aã]o)[\s,]+){0,2}(?:nunca|jamais) (?:(?:o|a|os|as|me|te|se|lhe) )?(?:\p{L}+(?:e|es)|${PT_IMPERATIVE_A})\b`,
    'iu',
  ),
  action: /(?!)/u,
  asks: /[?？]\s*$|^(?:por que|porque|como|qual|quais|pode|poderia|voc[eê] pode)\b/iu,
  reason: /\b(?:porque|pois|sen[aã]o)\b/iu,
  maxChars: 300,
};

const DE: Lexicon = {
  later:
    /\bab jetzt\b|\bab sofort\b|\bvon nun an\b|\bk[üu]nftig\b|\bzuk[üu]nftig\b|\bin zukunft\b|\b(?:beim )?n[äa]chstes? mal\b|\bjedes mal\b|\bin allen (?:meinen )?projekten\b/iu,
  always: /\bimmer\b|\bnie\b|\bniemals\b|\bgrunds[äa]tzlich\b/iu,
  keep: /^(?:(?:und|bitte)\s+)?(?:merk(?:e)? dir|merken sie sich|denk(?:e)? (?:immer )?daran|denken sie daran|vergiss nicht|vergessen sie nicht|speicher(?:e)? (?:das |dir )?(?:im|in deinem|in deiner) (?:ged[äa]chtnis|memory|erinnerung))(?:,? dass|\s*[:,])\s*/iu,
  modal:
    /\bbitte\b|\bdu musst\b|\bmusst\b|\bm[üu]ssen\b|\bsollst\b|\bsolltest\b|\bsollen\b|\bdarfst (?:nicht|nie|keine?)\b|\bd[üu]rfen (?:nicht|nie|keine?)\b|\bvergiss nicht\b|\bich (?:will|m[öo]chte), dass\b|\bachte (?:darauf|drauf)\b/iu,
  action: /(?!)/u,
  asks: /[?？]\s*$|^(?:warum|wieso|weshalb|wie|was|welche[rs]?|kannst du|k[öo]nntest du)\b/iu,
  reason: /\b(?:weil|denn|sonst|da)\b/iu,
  maxChars: 300,
};

const IT: Lexicon = {
  later:
    /\bd'ora in (?:poi|avanti)\b|\bda ora in (?:poi|avanti)\b|\bda adesso\b|\bin futuro\b|\b(?:la|alla) prossima volta\b|\bogni volta che\b|\bin tutti i (?:miei )?progetti\b/iu,
  always: /\bsempre\b|\bmai\b/iu,
  keep: /^(?:(?:e|per favore)\s+)?(?:ricorda(?:ti)?|tieni a mente|memorizza|salva (?:questo |questa )?(?:nella|in) (?:tua )?memoria|non dimenticare)(?: che|\s*[:,])\s*/iu,
  // (an Italian order not to is "non" or "mai" and the infinitive: "non usare npm", "mai fare push")
  modal:
    /\bdevi\b|\bdovresti\b|\bbisogna\b|\bper favore\b|\bvoglio che\b|\bevita\b|\bnon dimenticare\b|^(?:(?:e|ma|ok|quindi|allora)[\s,]+){0,2}(?:non|mai) (?:(?:lo|la|li|le|mi|ti|ci|si) )?\p{L}+(?:are|ere|ire)\b/iu,
  action: /(?!)/u,
  asks: /[?？]\s*$|^(?:perché|perche|come|cosa|quale|quali|puoi|potresti)\b/iu,
  reason: /\b(?:perché|perche|poiché|poiche|altrimenti)\b/iu,
  maxChars: 300,
};

const PL: Lexicon = {
  later:
    /\bod (?:teraz|tej pory|dzi[sś])\b|\bw przysz[lł]o[sś]ci\b|\bna przysz[lł]o[sś][cć]\b|\bnast[eę]pnym razem\b|\bza ka[zż]dym razem\b|\bwe wszystkich projektach\b/iu,
  always: /\bzawsze\b|\bnigdy\b/iu,
  keep: /^(?:(?:i|prosz[eę])\s+)?(?:zapami[eę]taj|pami[eę]taj|zapisz (?:to )?w (?:swojej )?pami[eę]ci|miej na uwadze)(?:,? [zż]e|\s*[:,])\s*/iu,
  // (the second person and the impersonal "one must"; "powinno" of what is expected is no order)
  // (an order not to: "nie" and the imperative, -aj / -uj / -ij / -yj / -ej, plural -cie)
  modal:
    /\bmusisz\b|\bpowiniene[sś]\b|\bpowinna[sś]\b|\bnale[zż]y\b|\btrzeba\b|\bprosz[eę]\b|\bnie wolno\b|^(?:(?:i|a|ale|ok|wi[eę]c)[\s,]+){0,2}(?:nigdy |zawsze )?nie \p{L}+(?:aj|uj|ij|yj|ej|cie)\b|^(?:(?:i|a|ale|ok)[\s,]+){0,2}(?:nigdy|zawsze) \p{L}+(?:aj|uj|ij|yj|ej|cie)\b/iu,
  action: /(?!)/u,
  asks: /[?？]\s*$|^(?:dlaczego|czemu|jak|co|czy|gdzie|kiedy|mo[zż]esz)\b/iu,
  reason: /\b(?:bo|poniewa[zż]|gdy[zż]|inaczej)\b/iu,
  maxChars: 300,
};

const RU: Lexicon = {
  later:
    /\bвпредь\b|\bв дальнейшем\b|\bс этого момента\b|\bотныне\b|\bв будущем\b|\bв следующий раз\b|\bкаждый раз,? когда\b|\bво всех проектах\b/iu,
  always: /\bвсегда\b|\bникогда\b|\bкаждый раз\b/iu,
  keep: /^(?:(?:и|пожалуйста)\s+)?(?:запомни(?:те)?|сохрани(?:те)? (?:это )?в (?:свою |своей )?памят[ьи]|имей(?:те)? в виду|не забывай(?:те)?)(?:,? что|\s*[:,])\s*/iu,
  // (an order not to: "не" and the imperative, -й / -йте / -и / -ите / -ь, reflexive with -ся / -сь:
  // "не запускай", "никогда не пиши", "всегда старайся")
  modal:
    /\bнельзя\b|\bне надо\b|\bне нужно\b|\bдолжен\b|\bдолжна\b|\bобязательно\b|\bпожалуйста\b|^(?:(?:и|а|но|ок)[\s,]+){0,2}(?:никогда |всегда )?не \p{L}+(?:й|йте|и|ите|ь|ьте)(?:ся|сь)?\b|^(?:(?:и|а|но|ок)[\s,]+){0,2}(?:никогда|всегда) \p{L}+(?:й|йте|и|ите|ь|ьте)(?:ся|сь)?\b/iu,
  action: /(?!)/u,
  asks: /[?？]\s*$|^(?:почему|зачем|как|какой|какая|какие|где|когда|можешь|можно ли|ты можешь)\b/iu,
  reason: /\b(?:потому что|так как|поскольку|иначе)\b/iu,
  maxChars: 300,
};

/**
 * `re` with each `\b` made a Unicode word boundary: JavaScript's `\b` knows only ASCII word characters,
 * so "\bà l'avenir" would never match after a space.
 */
const UNICODE_BOUNDARY = String.raw`(?:(?<![\p{L}\p{N}_])(?=[\p{L}\p{N}_])|(?<=[\p{L}\p{N}_])(?![\p{L}\p{N}_]))`;

function unicodeWords(re: RegExp): RegExp {
  return new RegExp(re.source.replaceAll('\\b', UNICODE_BOUNDARY), re.flags);
}

/** {@link unicodeWords} over every pattern of a Latin-script lexicon. */
function latin(lex: Lexicon): Lexicon {
  const w = unicodeWords;
  return {
    ...lex,
    later: w(lex.later),
    always: w(lex.always),
    keep: w(lex.keep),
    modal: w(lex.modal),
    asks: w(lex.asks),
    reason: lex.reason && w(lex.reason),
  };
}

/** How a Latin-script language marks a clause-initial imperative (see {@link imperativeClauses}). */
const IMPERATIVE: Partial<Record<ForeignLanguage, { notVerb: RegExp; ending: RegExp }>> = {
  fr: { notVerb: FR_NOT_VERB, ending: /(?:e|es|ez|is|ds|ts|ns|ais|fais|mets|dis|lis|prends)$/iu },
  es: { notVerb: ES_NOT_VERB, ending: /(?:a|e|ad|ed|id|haz|pon|di|ve|sal|ten|ven)$/iu },
  pt: { notVerb: PT_NOT_VERB, ending: /(?:a|e|ai|ei|ia|ie)$/iu },
  it: { notVerb: IT_NOT_VERB, ending: /(?:a|i|e)$/iu },
  // German imperatives end in many ways ("mach", "verwende", "nutz"): only with a cue right after
  de: { notVerb: DE_NOT_VERB, ending: /\p{L}$/u },
};

/** A word or two that may stand between an imperative and its cue ("utilise bien toujours", "verwende bitte immer"). */
const BETWEEN = /^(?:(?:bien|bitte|du|auch|doch|tú|tu|você|voce)\s+)?/iu;

/** The languages told by eld rather than by script (Latin script, and Russian in Cyrillic). */
const EUROPEAN = ['fr', 'es', 'de', 'pt', 'it', 'pl', 'ru'] as const;

const LEXICONS: Record<ForeignLanguage, Lexicon> = {
  zh: ZH,
  ja: JA,
  ko: KO,
  fr: latin(FR),
  es: latin(ES),
  de: latin(DE),
  pt: latin(PT),
  it: latin(IT),
  pl: latin(PL),
  ru: latin(RU),
};

/**
 * Identifiers, paths, URLs and e-mail addresses: not words of any language. Runs of printable ASCII
 * only, since Chinese and Japanese put no space between a path and the words around it.
 */
const NOT_PROSE = /[!-~]*[/@:_\\][!-~]*|[!-~]*\.[!-~]*\w|`[^`]*`/g;

/**
 * The language of `text` when it is one this module reads: by script first (kana → Japanese, Hangul →
 * Korean, Han → Chinese, for ≥ 30% of its letters outside identifiers and paths), else eld's reliable
 * detection of French, Spanish, German, Portuguese, Italian, Polish or Russian over at least 4 words. Null for English, for other
 * languages and for text too short to tell.
 * @example languageOf('以后都用中文回答') === 'zh'
 * @example languageOf('Utilise toujours pnpm pour installer les paquets.') === 'fr'
 */
export function languageOf(text: string): ForeignLanguage | null {
  const prose = text.replace(NOT_PROSE, ' ');
  const letters = prose.match(/\p{L}/gu) ?? [];
  if (letters.length === 0) return null;
  const count = (re: RegExp) => letters.filter((c) => re.test(c)).length;
  const kana = count(/[\p{Script=Hiragana}\p{Script=Katakana}]/u);
  const hangul = count(/\p{Script=Hangul}/u);
  const han = count(/\p{Script=Han}/u);
  const share = (n: number) => n / letters.length >= 0.3;
  if (share(kana + han) && kana > 0 && kana >= han / 10) return 'ja';
  if (share(hangul)) return 'ko';
  if (share(han)) return 'zh';
  const words = prose.replace(/[^\p{L}\s'’-]+/gu, ' ').trim();
  if (words.split(/\s+/).filter((w) => w.length > 1).length < 4) return null;
  const r = eld.detect(words);
  if (!r.isReliable()) return null;
  return (EUROPEAN as readonly string[]).includes(r.language) ? (r.language as ForeignLanguage) : null;
}

const segmenters = new Map<string, Intl.Segmenter>();

/** ICU's segmenter of `lang` at `granularity`, made once. */
function segmenter(lang: ForeignLanguage, granularity: 'sentence' | 'word'): Intl.Segmenter {
  const key = `${lang}:${granularity}`;
  const seg = segmenters.get(key) ?? new Intl.Segmenter(lang, { granularity });
  segmenters.set(key, seg);
  return seg;
}

/**
 * A line of a list, table, heading or quote: a specification's or a pasted document's line, not a
 * remark (as `task-lists.ts` reads an English task list's items as this task's work).
 */
const STRUCTURED = /^\s*(?:[-*•>#|│┃+]|\d+\s*[.)、:：]|[（(]\d+[)）]|[①-⑳])|[│┃]|\|.*\|/u;

/**
 * Sentences of `text` (ICU sentence boundaries within each line), trimmed; code fences and
 * {@link STRUCTURED} lines removed.
 */
function sentencesOf(text: string, lang: ForeignLanguage): string[] {
  const seg = segmenter(lang, 'sentence');
  return text
    .replace(/```[\s\S]*?```/g, '\n')
    .split(/\n+/)
    .filter((line) => !STRUCTURED.test(line))
    .flatMap((line) => [...seg.segment(line)].map((s) => s.segment.trim()))
    .filter((s) => s.length > 0);
}

/** The language a sentence of a message in `lang` is read in: its own when long enough to tell. */
function sentenceLanguage(sentence: string, lang: ForeignLanguage): ForeignLanguage | null {
  const own = languageOf(sentence);
  if (own) return own;
  if (lang === 'zh' || lang === 'ja' || lang === 'ko') return null;
  // a short sentence of a Latin-script message: the message's language unless it reads as English
  const words = sentence.replace(NOT_PROSE, ' ').match(/\p{L}+/gu) ?? [];
  return words.length > 0 && words.length < 4 ? lang : null;
}

/**
 * How strong the sentence's cue of generality is, and so what makes it an order: `opens` (from now on,
 * opening the sentence: a modal, an imperative or an action verb), `later` (a modal or an imperative),
 * `always` (every time / always / never: a modal, or an imperative right before the cue).
 */
type Cue = 'opens' | 'later' | 'always';

/** True when `sentence` is an order in `lex`'s language for a cue of strength `cue` (see {@link Cue}). */
function ordered(sentence: string, lang: ForeignLanguage, lex: Lexicon, cue: Cue): boolean {
  const strict = cue === 'always';
  if (lex.modal.test(sentence)) return true;
  const imp = IMPERATIVE[lang];
  const rests = imp ? imperativeClauses(sentence, imp.notVerb, imp.ending) : [];
  // a verb then "always/never" is an order however the cue is used ("Utilise toujours pnpm", "Verwende
  // immer pnpm"); German needs it even with a cue of the future
  const cued = (re: RegExp) => rests.some((r) => re.exec(r.replace(BETWEEN, ''))?.index === 0);
  if (cued(lex.always) || cued(lex.later)) return true;
  if (strict || lang === 'de') return false;
  return (cue === 'opens' && lex.action.test(sentence)) || rests.length > 0;
}

/** The reason given inside `sentence` (a verbatim suffix from its reason word), or null. */
function reasonOf(sentence: string, lex: Lexicon): string | null {
  if (!lex.reason) return null;
  const m = lex.reason.exec(sentence);
  if (!m || m.index < 4) return null;
  const why = sentence.slice(m.index).trim();
  return why.length >= 4 ? why : null;
}

/**
 * Grouping terms of a statement: ICU word segments, lower-cased, without the cue words of its language,
 * without one-letter segments (CJK particles) and, in Latin-script languages, without words of three
 * letters or fewer (articles, pronouns, prepositions). Sorted, de-duplicated.
 */
export function foreignTerms(text: string, lang: ForeignLanguage): string[] {
  const lex = LEXICONS[lang];
  // the cue words blanked first (ICU may cut them: "ください" → "くだ", "さい")
  let plain = text.toLowerCase();
  for (const re of [lex.keep, lex.later, lex.always, lex.modal, lex.reason])
    if (re) plain = plain.replace(new RegExp(re.source, `${re.flags.replace('g', '')}g`), ' ');
  const seg = segmenter(lang, 'word');
  const script = lang === 'zh' || lang === 'ja' || lang === 'ko';
  const out = new Set<string>();
  for (const s of seg.segment(plain)) {
    if (!s.isWordLike) continue;
    const w = s.segment;
    if (script ? [...w].length < 2 : [...w].length <= 3) continue;
    out.add(w);
  }
  return [...out].sort();
}

/**
 * A cheap test before any language detection: a letter of another script (Cyrillic included), a cue word
 * of generality or of keeping in one of the Latin-script languages, or an order on the reply language
 * (`REPLY_LANGUAGE`). Messages without one hold nothing to read here.
 */
const MAY_HOLD = new RegExp(
  [
    String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]`,
    String.raw`\p{Script=Cyrillic}`,
    ...EUROPEAN.flatMap((l) => {
      const lex = LEXICONS[l];
      return [lex.later.source, lex.always.source, lex.keep.source.replace(/^\^/, '')];
    }),
    // an order on the reply language needs no cue ("antworte mir bitte auf Deutsch")
    REPLY_LANGUAGE.source,
  ].join('|'),
  'iu',
);

/** A sentence after lead punctuation, read for its cues. */
function bare(sentence: string): string {
  return sentence.replace(/^[\s\p{P}\p{S}]+/u, '');
}

/**
 * The standing rules of a person's message written in another language (see the module comment): each
 * sentence that is no question, carries a cue that it holds beyond this task and has the form of an
 * order. A sentence the English reader can read (English, or too short to tell) is left to it.
 * @returns feedback statements with cue `rule`, the sentence verbatim, the reason clause when marked.
 * @example extractForeignFeedback('以后提交代码前必须先跑测试。') → [{ cue: 'rule', text: '以后提交代码前必须先跑测试。', … }]
 */
export function extractForeignFeedback(message: string): FeedbackStatement[] {
  if (!MAY_HOLD.test(message)) return [];
  const lang = languageOf(message);
  if (!lang) return [];
  const out: FeedbackStatement[] = [];
  for (const sentence of sentencesOf(message, lang)) {
    const l = sentenceLanguage(sentence, lang);
    if (!l) continue;
    const lex = LEXICONS[l];
    const s = bare(sentence);
    if (s.length > lex.maxChars || lex.asks.test(s)) continue;
    // "使用中文回答", "한국어로 대답해 주세요": the language of every answer, for good, with no cue
    if (ordersReplyLanguage(s)) {
      out.push({ cue: 'rule', text: sentence, why: null, tokens: foreignTerms(sentence, l) });
      continue;
    }
    const keep = lex.keep.exec(s);
    const rest = keep ? s.slice(keep.index + keep[0].length) : s;
    const cue: Cue | null = lex.opens?.test(rest)
      ? 'opens'
      : lex.later.test(s) || keep !== null
        ? 'later'
        : lex.always.test(s)
          ? 'always'
          : null;
    if (!cue || (lex.product?.test(s) && !lex.addressed?.test(s))) continue;
    // "every time / always" also open complaints: only a modal makes them an order
    if (!ordered(rest, l, lex, cue)) continue;
    out.push({
      cue: 'rule',
      text: sentence,
      why: reasonOf(sentence, lex),
      tokens: foreignTerms(sentence, l),
    });
  }
  return out;
}

/** Longest message (characters) whose request to keep is read. */
const MAX_KEEP_MESSAGE = 400;

/** A path, file name or URL: a kept statement naming one is a reference (where things live). */
const PLACE = /[~\w.:-]*[/\\][\w./\\-]+|\b[\w-]+\.[a-z]{1,5}\b|https?:\/\/\S+/i;

/**
 * Statements a person asks the agent to keep, in another language ("记住：测试数据库是只读的。",
 * "Retiens que la base de staging est en lecture seule."), in the first two sentences of a message of at
 * most {@link MAX_KEEP_MESSAGE} characters: the words after the request, when they are no order (an order is {@link extractForeignFeedback}'s) and no question. `reference` when they name a
 * path, file or URL, else `project`.
 */
export function extractForeignFacts(message: string): ProjectFactStatement[] {
  // a request to keep opens a short message; deep in a long one it is pasted text ("请记住，这些只是…")
  if (message.length > MAX_KEEP_MESSAGE || !MAY_HOLD.test(message)) return [];
  const lang = languageOf(message);
  if (!lang) return [];
  const out: ProjectFactStatement[] = [];
  for (const sentence of sentencesOf(message, lang).slice(0, 2)) {
    const l = sentenceLanguage(sentence, lang);
    if (!l) continue;
    const lex = LEXICONS[l];
    const s = bare(sentence);
    if (s.length > lex.maxChars || lex.asks.test(s)) continue;
    const keep = lex.keep.exec(s);
    if (!keep) continue;
    const rest = s.slice(keep.index + keep[0].length).trim();
    if ([...rest].length < 6 || ordered(rest, l, lex, 'opens')) continue;
    out.push({
      type: PLACE.test(rest) ? 'reference' : 'project',
      text: sentence,
      tokens: foreignTerms(rest, l),
    });
  }
  return out;
}
