/**
 * Sign texts for the labelled text-check set (issue 11): short shop / poster / label texts of the kind a
 * text-rendering prompt asks for, English and Simplified Chinese, plus the pools the error kinds draw from.
 * Written for this set; none comes from the simulator's demo suites.
 */

export const EN_PHRASES: readonly string[] = [
  'FRESH COFFEE',
  'GRAND OPENING',
  'SUMMER SALE',
  'OPEN LATE',
  'BOOK SHOP',
  'NO PARKING',
  'WELCOME HOME',
  'HAPPY BIRTHDAY',
  'CITY MARKET',
  'BAKERY AND CAFE',
  'FREE WIFI INSIDE',
  'MOUNTAIN VIEW HOTEL',
  'Hand Made Soap',
  'Ocean Breeze',
  'Night Train',
  'Garden Party',
  'Vintage Records',
  'Fresh Flowers Daily',
  'Green Tea Latte',
  'Space Mission',
  'Exit Only',
  'Quiet Please',
  'Best Pizza in Town',
  'Sunday Brunch',
  'Golden Hour',
  'BLUE MOON BAR',
  'RIVER WALK',
  'STAR LIGHT',
  'WINTER FESTIVAL',
  'CLOSED FOR LUNCH',
  'Apple Pie',
  'Lost and Found',
  'Jazz Night',
  'Open 24 Hours',
  'SALE 50 OFF',
  'Ice Cream',
  'THE LAST STOP',
  'Silent Forest',
  'HOT SOUP',
  'Daily Special',
  'Harbor Lights',
  'ROCKET LAUNCH',
  'Deep Field',
  'Fine Wine',
  'Coins and Stamps',
  'Old Camera Repair',
  'Cat Cafe',
  'Fresh Bread',
  'Paper Moon',
  'Lemonade Stand',
];

export const ZH_PHRASES: readonly string[] = [
  '新年快乐',
  '欢迎光临',
  '生日快乐',
  '今日特价',
  '新鲜咖啡',
  '营业时间',
  '请勿吸烟',
  '城市书店',
  '万事如意',
  '恭喜发财',
  '夏日清凉',
  '手工面包',
  '春节快乐',
  '好好学习',
  '天天向上',
  '中秋佳节',
  '美味小吃',
  '花店开业',
  '安全出口',
  '禁止停车',
  '水果超市',
  '老北京炸酱面',
  '海边度假村',
  '星空音乐节',
  '周末市集',
  '免费无线网络',
  '阳光花园',
  '山水之间',
  '一路平安',
  '心想事成',
  '热烈欢迎',
  '家常小炒',
  '茶香四溢',
  '秋天的童话',
  '火箭发射中心',
  '宇宙深处',
  '古董相机',
  '猫咪咖啡馆',
  '古钱币收藏',
  '冰淇淋',
  '早餐店',
  '夜市小吃街',
  '健康生活',
  '学而时习之',
  '开业大吉',
  '书香门第',
  '风和日丽',
  '国庆快乐',
  '限时优惠',
  '温馨提示',
];

/** Words an "extra" error inserts. */
export const EN_EXTRA_WORDS: readonly string[] = ['NEW', 'BIG', 'THE', 'BEST', 'HOT', 'OLD', 'GOOD', 'ALL', 'NOW', 'FREE'];
/** Characters an "extra" error inserts, and a misspelling or garbling substitutes (common, in the CJK font). */
export const ZH_POOL =
  '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话';
/** Unrelated small text some images also show (a real photo rarely holds only the sign asked for). */
export const DISTRACTORS: readonly string[] = ['EST. 1998', 'No. 27', 'www', '营业中', '2026', 'TEL 5550', '出口', 'OPEN'];

/**
 * A second draw, written after the thresholds and tag rules were settled on the first set: the "fresh" set
 * (build.ts --fresh) is scored once, with nothing changed for it, as a set the checker has never seen.
 */
export const FRESH_EN_PHRASES: readonly string[] = [
  'LEMON TARTS', 'Repair Shop', 'PARK CLOSED', 'Seaside Inn', 'FRESH FISH', 'Music Hall', 'TICKETS HERE',
  'Corner Store', 'NO ENTRY', 'Yoga Studio', 'Late Checkout', 'HONEY BEES', 'Farm Market', 'BIKE RENTAL',
  'Dog Friendly', 'Pasta Bar', 'Moon Festival', 'SNOW DAY', 'Tea Garden', 'OLD TOWN', 'Free Samples',
  'Library Quiet Zone', 'Gift Shop', 'SOUP OF THE DAY', 'Pet Supplies', 'Art Gallery', 'CAR WASH',
  'Bus Stop', 'Candle Light', 'Flower Power',
];
export const FRESH_ZH_PHRASES: readonly string[] = [
  '柠檬茶', '修理铺', '公园关闭', '海景客栈', '新鲜鱼类', '音乐厅', '售票处', '便利店', '禁止入内', '瑜伽馆',
  '蜂蜜', '农贸市场', '自行车出租', '宠物友好', '意面吧', '赏月晚会', '下雪天', '茶园', '老城区', '免费试吃',
  '图书馆请安静', '礼品店', '今日例汤', '宠物用品', '美术馆', '洗车', '公交车站', '烛光晚餐', '鲜花店', '欢乐时光',
];
