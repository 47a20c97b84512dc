-- Reference data for the local stack (tools/run loads it once staff-assessment is SERVING, on
-- every start): the five departments of the policy's 責任部門 with their supervisors, and a
-- complaint desk's worth of staff in every role. Everyone here is fictional; the phone numbers
-- are the 138000000xx test range and the mail domain is example.com.
--
-- Safe to load again, and it never overwrites: a row that exists is left as it is
-- (ON DUPLICATE KEY UPDATE id = id), because rows loaded here bypass the service's outbox. If a
-- reload rewrote a record someone had edited through the API, every subscriber would keep the
-- edited version while the directory held the seeded one. Start with `tools/run --fresh` to get
-- the seed as written here. Departments come first (staff rows refer to them); each supervisor
-- below is an active SUPERVISOR, as the service requires.
SET NAMES utf8mb4;

INSERT INTO departments (id, name, kind, supervisor_staff_id, active, created_at, updated_at) VALUES
  ('customer-service', '客户服务部', 'CUSTOMER_SERVICE', 'S0001', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('engineering', '工程质量部', 'ENGINEERING_QUALITY', 'S0002', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('sales', '销售部', 'SALES', 'S0003', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('handover', '交付部', 'HANDOVER', 'S0004', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('property-management', '物业管理部', 'PROPERTY_MANAGEMENT', 'S0005', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
ON DUPLICATE KEY UPDATE id = id;

INSERT INTO staff (id, name, phone, email, role, department_id, active, created_at, updated_at) VALUES
  ('S0001', '王丽华', '13800000001', 'wang.lihua@staff.example.com', 'SUPERVISOR', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0002', '李建国', '13800000002', 'li.jianguo@staff.example.com', 'SUPERVISOR', 'engineering', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0003', '杨帆', '13800000003', 'yang.fan@staff.example.com', 'SUPERVISOR', 'sales', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0004', '高明远', '13800000004', 'gao.mingyuan@staff.example.com', 'SUPERVISOR', 'handover', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0005', '谢春梅', '13800000005', 'xie.chunmei@staff.example.com', 'SUPERVISOR', 'property-management', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0006', '陈晓燕', '13800000006', 'chen.xiaoyan@staff.example.com', 'HOTLINE_AGENT', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0007', '刘洋', '13800000007', 'liu.yang@staff.example.com', 'HOTLINE_AGENT', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0008', '赵敏', '13800000008', 'zhao.min@staff.example.com', 'HOTLINE_AGENT', 'customer-service', FALSE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0009', '黄佳怡', '13800000009', NULL, 'HOTLINE_AGENT', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0010', '孙志强', '13800000010', 'sun.zhiqiang@staff.example.com', 'COORDINATOR', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0011', '周婷', '13800000011', 'zhou.ting@staff.example.com', 'COORDINATOR', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0012', '吴海峰', '13800000012', 'wu.haifeng@staff.example.com', 'TRACKER', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0013', '郑佳琪', '13800000013', NULL, 'TRACKER', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0014', '冯雪', '13800000014', 'feng.xue@staff.example.com', 'CALLBACK_AGENT', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0015', '何俊', '13800000015', 'he.jun@staff.example.com', 'CALLBACK_AGENT', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0016', '许文博', '13800000016', 'xu.wenbo@staff.example.com', 'ANALYST', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0017', '韩静', '13800000017', 'han.jing@staff.example.com', 'ANALYST', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0018', '张伟', '13800000018', 'zhang.wei@staff.example.com', 'ENGINEER', 'engineering', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0019', '黄志明', '13800000019', 'huang.zhiming@staff.example.com', 'ENGINEER', 'engineering', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0020', '林涛', '13800000020', 'lin.tao@staff.example.com', 'ENGINEER', 'engineering', FALSE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0021', '马丽', '13800000021', 'ma.li@staff.example.com', 'HANDLER', 'engineering', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0022', '邓磊', '13800000022', 'deng.lei@staff.example.com', 'HANDLER', 'engineering', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0023', '朱晓东', '13800000023', 'zhu.xiaodong@staff.example.com', 'HANDLER', 'sales', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0024', '郭芳', '13800000024', NULL, 'RECEPTION', 'sales', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0025', '罗娜', '13800000025', 'luo.na@staff.example.com', 'RECEPTION', 'sales', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0026', '梁宇', '13800000026', 'liang.yu@staff.example.com', 'HANDLER', 'handover', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0027', '宋建华', '13800000027', 'song.jianhua@staff.example.com', 'ENGINEER', 'handover', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0028', '唐磊', '13800000028', 'tang.lei@staff.example.com', 'HANDLER', 'property-management', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0029', '董小平', '13800000029', 'dong.xiaoping@staff.example.com', 'HANDLER', 'property-management', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0030', '曹敏', '13800000030', NULL, 'RECEPTION', 'property-management', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0031', '袁刚', '13800000031', 'yuan.gang@staff.example.com', 'ENGINEER', 'property-management', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('S0032', '欧阳晓峰', '13800000032', 'ouyang.xiaofeng@staff.example.com', 'SUPERVISOR', 'customer-service', TRUE, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
ON DUPLICATE KEY UPDATE id = id;

-- Training courses and one plan per role (§9.1): the targeted training someone of that role is
-- enrolled in when below the bar in a quarterly assessment. Loaded the same way: a course or plan
-- that exists is left as it is.
INSERT INTO training_courses (id, title, topic, target_role, hours) VALUES
  ('hotline-communication', '热线沟通技巧', '沟通技巧', 'HOTLINE_AGENT', 8),
  ('hotline-intake-process', '投诉受理流程与记录规范', '受理流程', 'HOTLINE_AGENT', 6),
  ('reception-intake-process', '来访投诉接待与记录', '受理流程', 'RECEPTION', 6),
  ('coordinator-classification', '投诉分类与分派规则', '分类分派', 'COORDINATOR', 6),
  ('handler-investigation', '投诉调查与处理时限', '调查处理', 'HANDLER', 8),
  ('handler-customer-communication', '处理过程中的客户沟通', '沟通技巧', 'HANDLER', 4),
  ('engineer-defect-inspection', '质量缺陷检查方法', '缺陷检查', 'ENGINEER', 12),
  ('engineer-defect-repair', '渗漏、裂缝与门窗变形的维修', '缺陷维修', 'ENGINEER', 16),
  ('tracker-progress-updates', '跟进与进度告知', '跟进告知', 'TRACKER', 4),
  ('callback-survey', '回访与满意度调查', '回访调查', 'CALLBACK_AGENT', 4),
  ('supervisor-escalations', '复杂与升级投诉的协调', '协调升级', 'SUPERVISOR', 6)
ON DUPLICATE KEY UPDATE id = id;

INSERT INTO training_plans (id, name, role) VALUES
  ('plan-hotline-agent', '热线坐席培训计划', 'HOTLINE_AGENT'),
  ('plan-reception', '接待人员培训计划', 'RECEPTION'),
  ('plan-coordinator', '受理人员培训计划', 'COORDINATOR'),
  ('plan-handler', '处理人员培训计划', 'HANDLER'),
  ('plan-engineer', '工程人员培训计划', 'ENGINEER'),
  ('plan-tracker', '跟进人员培训计划', 'TRACKER'),
  ('plan-callback-agent', '回访人员培训计划', 'CALLBACK_AGENT'),
  ('plan-supervisor', '主管培训计划', 'SUPERVISOR')
ON DUPLICATE KEY UPDATE id = id;

INSERT INTO training_plan_courses (plan_id, position, course_id) VALUES
  ('plan-hotline-agent', 0, 'hotline-communication'),
  ('plan-hotline-agent', 1, 'hotline-intake-process'),
  ('plan-reception', 0, 'reception-intake-process'),
  ('plan-coordinator', 0, 'coordinator-classification'),
  ('plan-handler', 0, 'handler-investigation'),
  ('plan-handler', 1, 'handler-customer-communication'),
  ('plan-engineer', 0, 'engineer-defect-inspection'),
  ('plan-engineer', 1, 'engineer-defect-repair'),
  ('plan-tracker', 0, 'tracker-progress-updates'),
  ('plan-callback-agent', 0, 'callback-survey'),
  ('plan-supervisor', 0, 'supervisor-escalations')
ON DUPLICATE KEY UPDATE plan_id = plan_id;
