import { describe, expect, it } from 'vitest';
import { extractFeedback } from './feedback.js';
import { extractForeignFacts, extractForeignFeedback, foreignTerms, languageOf } from './foreign-feedback.js';
import { extractProjectFacts } from './project-facts.js';

const rules = (text: string) => extractForeignFeedback(text).map((f) => f.text);
const kept = (text: string) => extractForeignFacts(text).map((f) => [f.type, f.text]);

describe('languageOf', () => {
  it('tells Chinese, Japanese and Korean by script, the Latin-script languages by eld, and leaves English alone', () => {
    expect(languageOf('以后都用中文回答')).toBe('zh');
    expect(languageOf('今後はテストを実行してからコミットしてください')).toBe('ja');
    expect(languageOf('앞으로 커밋 메시지는 영어로 작성해 주세요')).toBe('ko');
    expect(languageOf('Utilise toujours pnpm pour installer les paquets du projet.')).toBe('fr');
    expect(languageOf('Verwende immer pnpm statt npm in diesem Projekt.')).toBe('de');
    expect(languageOf('Please always use pnpm instead of npm in this project.')).toBeNull();
    // identifiers and paths are no words: an English sentence about src/模块 stays English
    expect(languageOf('run the tests in src/模块/index.ts before you commit')).toBeNull();
  });
});

describe('extractForeignFeedback', () => {
  it('keeps an order with a cue that it holds from now on, in each language', () => {
    for (const t of [
      '以后提交代码前必须先跑测试。',
      '請以後都用繁體中文回覆',
      '今後はコミットする前に必ずテストを実行してください。',
      '앞으로 커밋 메시지는 영어로 작성해 주세요',
      "À l'avenir, vérifie les tests avant de pousser.",
      'La prochaine fois, demande-moi avant de supprimer des fichiers.',
      'A partir de ahora, usa pnpm en este proyecto.',
      'Da próxima vez, rode os testes antes de fazer commit.',
      'Ab jetzt bitte immer die Tests vor dem Commit laufen lassen.',
    ])
      expect(rules(t), t).toEqual([t]);
  });

  it('reads 之后 / 之後 ("afterwards") and 接下来 / 接下來 ("from here on") opening a clause as "from now on" (s29)', () => {
    // Wordings written for this test
    expect(rules('之後的提交都請先跑lint')).toHaveLength(1);
    expect(rules('接下来请用简体中文回答我')).toHaveLength(1);
    expect(rules('永远不要把密钥提交到仓库')).toHaveLength(1);
  });

  it('keeps "always / never" only as an order: a modal, or a verb first', () => {
    for (const t of [
      '永远不要直接推送到 main 分支',
      'Utilise toujours pnpm pour installer les paquets.',
      'Ne pousse jamais directement sur main.',
      'Nunca uses console.log en el código de producción.',
      'Verwende immer pnpm statt npm.',
      '항상 테스트를 먼저 실행해 주세요',
    ])
      expect(rules(t), t).toEqual([t]);
    // the same cues in complaints and reports
    for (const t of [
      '每次都报错，烦死了',
      '你总是忘记加分号',
      'いつもエラーになる',
      'Ça ne marche jamais avec ce script.',
      'Siempre falla cuando ejecuto el build.',
      'Das funktioniert nie richtig.',
      'Sempre dá erro quando eu rodo isso.',
    ])
      expect(rules(t), t).toEqual([]);
  });

  it('never keeps a question, a one-off task, or "after" read as "from now on"', () => {
    for (const t of [
      '为什么每次都要我提醒你？',
      '登录以后跳转到首页',
      '下次再说吧',
      '修改之后请运行测试',
      '这两个字符串永远不会相等，所以只能拿第一个候选',
      '之后我们再看这个问题',
      'Tu peux corriger le bug dans le fichier de config ?',
      'Corrige el error en la línea 40 por favor',
      'Pourquoi tu ne lances jamais les tests ?',
    ])
      expect(rules(t), t).toEqual([]);
  });

  it('quotes the reason when the person marks one', () => {
    const [f] = extractForeignFeedback('永远不要直接推送到 main 分支，因为会触发生产部署');
    expect(f?.why).toBe('因为会触发生产部署');
    const [g] = extractForeignFeedback(
      'Ne pousse jamais directement sur main, car la CI déploie en production.',
    );
    expect(g?.why).toBe('car la CI déploie en production.');
  });

  it('groups by content words: the cue words and particles are no terms', () => {
    expect(foreignTerms('以后所有接口都用 TypeScript 写', 'zh')).toEqual(['typescript', '所有', '接口']);
    expect(foreignTerms('今後はコミットする前に必ずテストを実行してください。', 'ja')).not.toContain('くだ');
    expect(foreignTerms("À l'avenir, vérifie les tests avant de pousser.", 'fr')).toEqual([
      'avant',
      'pousser',
      'tests',
      'vérifie',
    ]);
  });

  it('is what extractFeedback reads in another language; English still goes through the English reader', () => {
    expect(extractFeedback('以后提交代码前必须先跑测试。', true).map((f) => f.text)).toEqual([
      '以后提交代码前必须先跑测试。',
    ]);
    expect(extractFeedback("Don't ever push to main.", true).map((f) => f.text)).toEqual([
      "Don't ever push to main.",
    ]);
  });
});

describe('extractForeignFacts', () => {
  it('keeps what follows an explicit request to remember when it is no order', () => {
    expect(kept('记住：测试数据库是只读的。')).toEqual([['project', '记住：测试数据库是只读的。']]);
    expect(kept('Retiens que la base de staging est en lecture seule.')).toEqual([
      ['project', 'Retiens que la base de staging est en lecture seule.'],
    ]);
    expect(kept('Merk dir, dass die Konfiguration in deploy/values.yaml liegt.')).toEqual([
      ['reference', 'Merk dir, dass die Konfiguration in deploy/values.yaml liegt.'],
    ]);
    // an order after the request is a rule, not a fact; a question is neither
    expect(kept('记住以后都要用中文回答')).toEqual([]);
    expect(rules('记住以后都要用中文回答')).toEqual(['记住以后都要用中文回答']);
    expect(kept('记住了吗？')).toEqual([]);
  });

  it('is what extractProjectFacts reads in another language', () => {
    expect(extractProjectFacts('记住：测试数据库是只读的。', false).map((f) => f.type)).toEqual(['project']);
  });
});

describe('Italian, Polish and Russian, and Portuguese orders in -a (s30)', () => {
  // Wordings written for this test; blind batch 11 (Polish, Russian, Portuguese developers) showed the forms.
  it('tells the three languages by eld', () => {
    expect(languageOf('Usa sempre pnpm e mai npm in questo progetto.')).toBe('it');
    expect(languageOf('zawsze sprawdzaj typy przed każdym commitem')).toBe('pl');
    expect(languageOf('всегда отвечай мне только по-русски')).toBe('ru');
  });

  it('keeps an order with a cue of generality, never a complaint or an expectation', () => {
    for (const t of [
      'Usa sempre pnpm, mai npm in questo progetto.',
      'Non usare mai force push sul branch principale.',
      'nigdy nie uruchamiaj migracji na produkcji, sam to zrobię',
      'zawsze sprawdzaj typy przed commitem',
      'никогда не запускай миграции на проде сам',
      'всегда пиши коммиты на английском, пожалуйста',
      'Nunca inclua senhas nos arquivos de configuração do repositório',
      'nunca faça push direto na main',
    ])
      expect(rules(t), t).toEqual([t]);
    for (const t of [
      'La pagina sempre si blocca al login',
      'to zawsze powinno działać na CI',
      'Nigdy nie działa na CI',
      'Тесты всегда падают на CI',
      'nunca funciona quando eu rodo os testes',
      'почему ты никогда не запускаешь тесты?',
    ])
      expect(rules(t), t).toEqual([]);
  });
});

describe('the language of every answer, and a bar until the person says otherwise (s31)', () => {
  // Wordings written for these tests, in the shapes of blind batch 13 (a Chinese developer's "reply in
  // Chinese" and "leave X out unless I say so", which carry no cue of the future).
  it('reads an order on the reply language as a rule with no cue, in any language', () => {
    for (const t of [
      '请用中文回答',
      '한국어로 답변해 주세요',
      'Antworte mir bitte auf Deutsch.',
      'odpowiadaj mi po polsku proszę',
    ])
      expect(rules(t), t).toEqual([t]);
    expect(extractFeedback('Always respond in Spanish.', true).map((f) => f.cue)).toEqual(['rule']);
    expect(extractFeedback('Reply in Korean please.', true).map((f) => f.cue)).toEqual(['rule']);
    // a task's output in a language, or a question, is none
    expect(extractFeedback('Write the release notes in English.', true)).toEqual([]);
    expect(extractFeedback('Can you answer in French?', true)).toEqual([]);
    expect(rules('能用中文回答吗？')).toEqual([]);
    // one text's language, with a verb of writing (batch 11: "… napisz to po angielsku")
    expect(rules('zaktualizuj agendę i napisz to po angielsku')).toEqual([]);
    expect(rules('用中文写一份总结')).toEqual([]);
  });

  it('reads "不用/不要 …，除非 …" and "不想…你…每次" as standing rules', () => {
    expect(rules('不用管旧的部署脚本，除非我提到它')).toEqual(['不用管旧的部署脚本，除非我提到它']);
    expect(rules('我不想你每次改完都让我确认')).toEqual(['我不想你每次改完都让我确认']);
    // a complaint with "every time" and no order stays out
    expect(rules('每次部署都失败')).toEqual([]);
  });

  it('reads a Russian reflexive imperative after "always/never" (batch 14: "всегда старайся …")', () => {
    expect(rules('всегда старайся писать короткие коммиты, длинные только по просьбе')).toHaveLength(1);
    expect(rules('никогда не торопись с миграциями на проде')).toHaveLength(1);
    // a reflexive verb in the present reports
    expect(rules('сборка всегда ломается на CI после обновления')).toEqual([]);
  });
});
