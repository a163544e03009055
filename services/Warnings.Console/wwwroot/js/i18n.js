// Words of the console, zh-CN first, English on the toggle (kept in localStorage).
import { reportingReasons, reportingWords } from './reporting/words.js';

const words = {
  brand: ['上海市预警发布 · 值班台', 'Shanghai warnings · Duty console'],
  skip: ['跳到正文', 'Skip to content'],
  loading: ['加载中…', 'Loading…'],
  signOut: ['退出', 'Sign out'],
  navHome: ['工作台', 'Desk'],
  navNew: ['新建预警', 'New warning'],
  navInbox: ['待办', 'Inbox'],
  navList: ['发布清单', 'Publication list'],
  navOps: ['运维', 'Operations'],
  myWarnings: ['本部门预警', 'My department’s warnings'],
  noWarnings: ['暂无预警。', 'No warnings.'],
  state: ['状态', 'State'],
  hazard: ['灾种', 'Hazard'],
  level: ['级别', 'Level'],
  levelNone: ['（无级别）', '(no level)'],
  channels: ['发布渠道', 'Channels'],
  districts: ['区域', 'Districts'],
  districtsHelp: ['点击地图上的区选择，或在地图上绘制多边形、圆形。', 'Click districts on the map, or draw a polygon or circle on it.'],
  shapes: ['绘制的范围', 'Drawn areas'],
  onset: ['生效时间（上海时间）', 'Onset (Shanghai time)'],
  expires: ['失效时间（上海时间）', 'Expiry (Shanghai time)'],
  template: ['模板', 'Template'],
  templateNone: ['（不使用模板）', '(no template)'],
  templateHelp: ['选择模板将填入其级别和文本；占位符（区域、时间、联动措施）在保存时由平台填写。', 'A template sets its level and texts; the platform fills its placeholders (districts, times, measures) when the draft is saved.'],
  textZh: ['中文内容', 'Chinese text'],
  textEn: ['英文内容', 'English text'],
  headline: ['标题', 'Headline'],
  description: ['描述', 'Description'],
  instruction: ['防御指引', 'Instructions'],
  contact: ['联系方式', 'Contact'],
  check: ['清单检查', 'List check'],
  checkNeeds: ['请选择区域（或绘制范围）和至少一个渠道。', 'Choose districts (or draw an area) and at least one channel.'],
  checkOk: ['符合发布清单（v{0}）。', 'Allowed by the publication list (v{0}).'],
  checkBad: ['不符合发布清单（v{0}）：', 'Not allowed by the publication list (v{0}):'],
  preview: ['预览', 'Preview'],
  previewTemplate: ['模板中的占位符（如 {districts}）将在保存草稿时由平台填写，保存后预览即为最终文本。', 'The template’s placeholders ({districts}…) are filled by the platform when the draft is saved; the preview then shows the final text.'],
  smsInfo: ['{0} 条短信，最后一条还可输入 {1} 字', '{0} SMS segment(s); {1} characters left in the last'],
  cbInfo: ['{0}/{2} 页，最后一页还可输入 {1} 字', '{0} of {2} pages; {1} characters left on the last'],
  save: ['保存草稿', 'Save draft'],
  saved: ['已保存。', 'Saved.'],
  submit: ['提交审核', 'Submit for review'],
  submitted: ['已提交。', 'Submitted.'],
  inbox: ['待办', 'Inbox'],
  waitReview: ['待审核', 'Waiting for review'],
  waitSignOff: ['待领导签发', 'Waiting for a leader’s sign-off'],
  waitMunicipal: ['网络短信待市级审批', 'Network-wide SMS waiting for municipal approval'],
  waitFastTrack: ['快速发布待补签', 'Fast-tracked, sign-off due'],
  waitPublish: ['可发布', 'Ready to publish'],
  nothingWaits: ['没有待办。', 'Nothing waits.'],
  fourEyes: ['本人制作，需由他人审核签发。', 'Made by you: someone else must review and sign off.'],
  approve: ['审核通过', 'Approve'],
  sendBack: ['退回', 'Send back'],
  comment: ['意见', 'Comment'],
  signOff: ['签发', 'Sign off'],
  approveSms: ['批准网络短信', 'Approve network SMS'],
  open: ['打开', 'Open'],
  dueIn: ['距截止 {0}', '{0} left'],
  overdue: ['已超时', 'overdue'],
  publish: ['发布', 'Publish'],
  fastTrack: ['快速发布（先发后签）', 'Fast-track (publish, sign off later)'],
  fastTrackBanner: ['快速发布：须在 {0} 前补签发。', 'Fast-tracked: sign-off due by {0}.'],
  board: ['渠道发送情况', 'Delivery by channel'],
  channel: ['渠道', 'Channel'],
  attempts: ['尝试次数', 'Attempts'],
  updatedAt: ['更新时间', 'Updated'],
  lastError: ['最近错误', 'Last error'],
  cap: ['CAP 文档', 'CAP document'],
  download: ['下载', 'Download'],
  history: ['历程', 'History'],
  versions: ['版本', 'Versions'],
  update: ['更新预警', 'Update'],
  updateNote: ['更新说明', 'What changed'],
  lift: ['解除预警', 'Lift'],
  liftReason: ['解除原因', 'Reason'],
  edit: ['编辑', 'Edit'],
  maker: ['制作人', 'Maker'],
  reviewer: ['审核人', 'Reviewer'],
  signedOffBy: ['签发人', 'Signed off by'],
  version: ['版本', 'Version'],
  changes: ['变更', 'Changes'],
  grants: ['授权', 'Grants'],
  department: ['部门', 'Department'],
  status: ['状态', 'Status'],
  all: ['全部', 'All'],
  filter: ['筛选', 'Filter'],
  newGrant: ['新增授权', 'New grant'],
  grantId: ['授权编号', 'Grant id'],
  areas: ['范围', 'Areas'],
  signOffPolicy: ['签发要求', 'Sign-off'],
  measures: ['联动措施', 'Response measures'],
  municipalSms: ['网络短信需市级审批', 'Network SMS needs municipal approval'],
  fastTrackAllowed: ['允许快速发布', 'Fast-track allowed'],
  fastTrackMinutes: ['补签时限（分钟）', 'Sign-off within (minutes)'],
  maxValidity: ['最长有效期（小时）', 'Longest validity (hours)'],
  languages: ['必需语言', 'Required languages'],
  reason: ['原因', 'Reason'],
  previewChange: ['预览变更', 'Preview the change'],
  saveGrant: ['保存授权', 'Save grant'],
  suspend: ['暂停', 'Suspend'],
  retire: ['停用', 'Retire'],
  listHistory: ['清单历史', 'List history'],
  listAt: ['某时点的清单', 'The list as at'],
  show: ['查看', 'Show'],
  by: ['操作人', 'By'],
  at: ['时间', 'When'],
  templates: ['模板管理', 'Templates'],
  newTemplate: ['新增模板', 'New template'],
  templateId: ['模板编号', 'Template id'],
  placeholders: ['可用占位符：{districts} {onset} {expiry} {level} {hazard} {department} {measures}；{{ 和 }} 表示花括号。', 'Placeholders: {districts} {onset} {expiry} {level} {hazard} {department} {measures}; {{ and }} stand for braces.'],
  apiKeys: ['API 密钥', 'API keys'],
  issueKey: ['签发密钥', 'Issue a key'],
  principal: ['主体', 'Principal'],
  roles: ['角色', 'Roles'],
  revoke: ['吊销', 'Revoke'],
  keyOnce: ['密钥只显示这一次，请妥善保存：', 'The key is shown this once; keep it safe:'],
  deadLetters: ['死信', 'Dead letters'],
  requeue: ['重新投递', 'Requeue'],
  audit: ['审计链校验', 'Audit chain'],
  verify: ['校验', 'Verify'],
  platform: ['平台信息', 'Platform'],
  none: ['无', 'None'],
  close: ['关闭', 'Close'],
  cancel: ['取消', 'Cancel'],
  confirm: ['确认', 'Confirm'],
  refused: ['被拒绝', 'Refused'],
  addEnglish: ['添加英文', 'Add English'],
  // Analysis view (views/analysis.js): timeliness and completeness, drill-down, exports.
  navAnalysis: ['分析研判', 'Analysis'],
  'an.city': ['全市', 'City'], 'an.drillPath': ['层级', 'Drill-down path'], 'an.periodFrom': ['起始日期（上海）', 'From (Shanghai date)'],
  'an.periodTo': ['截止日期（含）', 'To (inclusive)'], 'an.apply': ['查询', 'Apply'], 'an.exportsTitle': ['导出当前选择', 'Export this selection'],
  'an.export_incidents': ['事件', 'Incidents'], 'an.export_reports': ['报告', 'Reports'], 'an.export_timeliness': ['及时性', 'Timeliness'],
  'an.export_statistics': ['统计', 'Statistics'], 'an.export_all': ['全部（工作簿）', 'Everything (workbook)'],
  'an.timelinessCaption': ['报送及时性与完整性（按区）', 'Reporting timeliness and completeness by district'],
  'an.district': ['区', 'District'], 'an.expected': ['应报', 'Expected'], 'an.received': ['已报', 'Received'], 'an.onTime': ['按时', 'On time'],
  'an.late': ['迟报', 'Late'], 'an.overdue': ['逾期未报', 'Overdue'], 'an.onTimeRate': ['按时率', 'On-time rate'], 'an.gaps': ['漏报', 'Missing reports'],
  'an.incidentsInPeriod': ['本期事件', 'Incidents in the period'], 'an.incident': ['事件', 'Incident'], 'an.category': ['类别', 'Category'],
  'an.severityClass': ['等级', 'Class'], 'an.occurred': ['发生时间', 'Occurred'], 'an.state': ['状态', 'State'], 'an.reportsCount': ['报告数', 'Reports'],
  'an.nextDue': ['下次报告截止', 'Next report due'], 'an.open': ['处置中', 'Open'], 'an.closed': ['已结案', 'Closed'],
  'an.timelineCaption': ['报告时间线', 'Report timeline'], 'an.kind': ['类型', 'Kind'], 'an.due': ['应报时间', 'Due'], 'an.deaths': ['死亡', 'Deaths'],
  'an.account': ['情况', 'Account'], 'an.backToDistrict': ['返回本区', 'Back to the district'],
  'an.follow_up_missing': ['续报缺失', 'Follow-up missing'], 'an.final_report_missing': ['终报缺失', 'Final report missing'],
  'an.REPORT_KIND_INITIAL': ['初报', 'Initial'], 'an.REPORT_KIND_FOLLOW_UP': ['续报', 'Follow-up'], 'an.REPORT_KIND_FINAL': ['终报', 'Final'],
  'an.REPORT_KIND_UNSPECIFIED': ['—', '—'],
};

const stateNames = {
  WARNING_STATE_DRAFT: ['草稿', 'Draft'], WARNING_STATE_SUBMITTED: ['待审核', 'Submitted'], WARNING_STATE_REVIEWED: ['已审核', 'Reviewed'],
  WARNING_STATE_SIGNED_OFF: ['已签发', 'Signed off'], WARNING_STATE_PUBLISHED: ['已发布', 'Published'], WARNING_STATE_LIFTED: ['已解除', 'Lifted'],
  WARNING_STATE_EXPIRED: ['已过期', 'Expired'],
};
const channelNames = {
  sms: ['短信', 'SMS'], network_sms: ['全网短信', 'Network-wide SMS'], cell_broadcast: ['小区广播', 'Cell broadcast'], tv: ['电视', 'TV'],
  radio: ['广播电台', 'Radio'], website: ['网站', 'Website'], social_media: ['社交媒体', 'Social media'], app_push: ['应用推送', 'App push'],
  outdoor_screen: ['户外大屏', 'Outdoor screens'], siren: ['警报器', 'Sirens'], partner_feed: ['合作方数据', 'Partner feed'],
};
const levelNames = { blue: ['蓝色', 'Blue'], yellow: ['黄色', 'Yellow'], orange: ['橙色', 'Orange'], red: ['红色', 'Red'], '': ['无级别', 'No level'] };
const deliveryNames = { pending: ['等待', 'Pending'], attempting: ['发送中', 'Attempting'], failed: ['失败重试', 'Failed'], delivered: ['已送达', 'Delivered'] };
// Plain words for the list checker's stable violation codes; the code itself is always shown too.
const violationWords = {
  NOT_ON_LIST: ['该灾种不在发布清单上。', 'This hazard is not on the publication list.'],
  DEPARTMENT_NOT_AUTHORISED: ['本部门无权发布该灾种预警。', 'Your department may not warn about this hazard.'],
  GRANT_NOT_IN_EFFECT: ['授权已暂停、停用或不在有效期内。', 'The grant is suspended, retired or not in effect.'],
  LEVEL_NOT_ALLOWED: ['授权不包含该级别。', 'The grant does not allow this level.'],
  AREA_OUTSIDE_GRANT: ['区域超出授权范围。', 'This area is outside the grant.'],
  CHANNEL_NOT_ALLOWED: ['该级别不允许使用此渠道。', 'This channel is not allowed at this level.'],
  VALIDITY_TOO_LONG: ['有效期超过授权上限。', 'The validity is longer than the grant allows.'],
  LANGUAGE_MISSING: ['缺少授权要求的语言文本。', 'A language the grant requires is missing.'],
  FAST_TRACK_NOT_ALLOWED: ['授权不允许快速发布。', 'The grant does not allow the fast-track.'],
  SIGN_OFF_MISSING: ['缺少必要的审核或签发。', 'A review or sign-off is missing.'],
};

// District reporting (reporting/words.js).
Object.assign(words, reportingWords);
Object.assign(violationWords, reportingReasons);

let language = localStorage.getItem('console-lang') === 'en' ? 1 : 0;

export const lang = () => (language ? 'en' : 'zh-CN');

export function toggleLanguage() {
  language = 1 - language;
  localStorage.setItem('console-lang', language ? 'en' : 'zh');
  document.documentElement.lang = lang();
}

const pick = (pair, fallback) => (pair ? pair[language] : fallback);

/** The word for key, with {0}, {1}… filled. */
export function t(key, ...args) {
  return pick(words[key], key).replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

export const stateName = (s) => pick(stateNames[s], s);
export const channelName = (c) => pick(channelNames[c], c);
export const levelName = (l) => pick(levelNames[l ?? ''], l);
export const deliveryName = (s) => pick(deliveryNames[s], s);
export const violationWord = (code) => pick(violationWords[code], '');

/** Fills every [data-t] element of root with its word. */
export function translate(root = document) {
  document.documentElement.lang = lang();
  for (const element of root.querySelectorAll('[data-t]')) element.textContent = t(element.dataset.t);
}
