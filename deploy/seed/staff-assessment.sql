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
